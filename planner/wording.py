"""Small helpers for the sentences the editor builds around the method's nouns."""

# Words that start with a vowel letter but a consonant sound, and the reverse.
_CONSONANT_SOUND = ("one", "once", "uni", "use", "usu", "uti", "eu")
_VOWEL_SOUND = ("hour", "honest", "honour")


def with_article(noun: str) -> str:
    """“an operation”, “a boundary”: the indefinite article a reader expects."""
    word = noun.lower()
    vowel = word[:1] in "aeiou" and not word.startswith(_CONSONANT_SOUND)
    return f"{'an' if vowel or word.startswith(_VOWEL_SOUND) else 'a'} {noun}"
