"""The diff engine: two plan documents (and their findings) in, what changed out."""

import copy

from planner.plan_diff import Side, plan_diff, word_diff
from tests.planner.document_helpers import demo


def section(diff: dict, step: str) -> dict:
    return next(s for s in diff["sections"] if s["step"] == step)


def sides(old: dict, new: dict, **kw) -> tuple[Side, Side]:
    return Side(old, label="Old", findings=[]), Side(new, label="New", findings=[], **kw)


def test_the_same_plan_has_no_changes():
    diff = plan_diff(*sides(demo(), demo()))
    assert diff["empty"]
    assert all(s["empty"] for s in diff["sections"])
    assert set(diff["counts"].values()) == {0}


def test_an_answer_shows_its_words_inserted_and_deleted():
    new = demo()
    new["levels"]["1"]["answers"]["data_when"] = new["levels"]["1"]["answers"]["data_when"].replace(
        "newest 50 messages", "newest 100 <b>messages</b>"
    )
    level = section(plan_diff(*sides(demo(), new)), "1")
    (change,) = level["answers"]
    assert change["label"] == "What data does the frontend need, and at which moment?"
    runs = change["words"]
    assert ["del", "50"] in runs
    assert ["ins", "100"] in runs
    assert ["ins", "<b>messages</b>"] in runs
    assert "".join(t for op, t in runs if op != "del") == new["levels"]["1"]["answers"]["data_when"]


def test_word_diff_keeps_both_texts():
    runs = word_diff("one two three", "one three four")
    assert "".join(t for op, t in runs if op != "ins") == "one two three"
    assert "".join(t for op, t in runs if op != "del") == "one three four"


def test_a_long_answer_keeps_the_words_around_a_change_and_elides_the_rest():
    old = " ".join(f"w{i}" for i in range(1000))
    new = old.replace("w500 ", "CHANGED ")
    runs = word_diff(old, new)
    assert [op for op, _ in runs] == ["gap", "eq", "del", "ins", "eq", "gap"]
    assert runs[1][1].split()[-1] == "w499" and len(runs[1][1].split()) == 20
    full = word_diff(old, new, context=None)
    assert "".join(t for op, t in full if op != "del") == new


def test_word_diff_of_long_repetitive_text_is_fast():
    import time

    old = "We load every screen from the cache first, then refresh it. " * 150
    new = old.replace("every screen", "each screen", 3) + "And more."
    start = time.perf_counter()
    word_diff("Start. " + old, new)
    assert time.perf_counter() - start < 1.0


def test_rows_added_removed_and_changed_field_by_field():
    new = demo()
    new["boundaries"].append(
        {"name": "Billing", "responsibility": "Invoices", "reason": "external"}
    )
    removed = new["journey_steps"].pop()
    new["entities"][0]["concurrency"] = "locking"
    diff = plan_diff(*sides(demo(), new))
    rows = {(r["change"], r["name"]): r for s in diff["sections"] for r in s["rows"]}
    assert ("added", "Billing") in rows
    assert ("removed", removed["name"]) in rows
    user = rows[("changed", "User")]
    assert user["fields"] == [
        {
            "label": "Concurrency",
            "old": "Last write wins",
            "new": "Row locks / transactions",
            "words": None,
        }
    ]
    assert diff["counts"]["added"] == 1 and diff["counts"]["removed"] == 1


def test_a_renamed_row_is_followed_by_likeness_not_removed_and_added():
    new = demo()
    old_name = new["entities"][2]["name"]
    new["entities"][2]["name"] = "Chat message"
    for row in new["operations"]:  # references follow the rename, as an export writes them
        row["entities"] = ["Chat message" if e == old_name else e for e in row["entities"]]
    for row in new["relationships"]:
        for end in ("source", "target"):
            row[end] = "Chat message" if row[end] == old_name else row[end]
    diff = plan_diff(*sides(demo(), new))
    rows = [r for s in diff["sections"] for r in s["rows"]]
    assert rows == [
        {
            "kind": "entity",
            "noun": "entity",
            "change": "changed",
            "name": "Chat message",
            "renamed_from": old_name,
            "fields": [],
        }
    ]
    assert diff["counts"]["renamed"] == 1


def test_a_renamed_row_is_followed_by_its_id_even_when_all_else_changed():
    old, new = demo(), demo()
    new["boundaries"][1] = {"name": "AI helper", "responsibility": "New text", "reason": ""}
    for kind in ("operations", "entities"):
        for row in new[kind]:
            if row["boundary"] == old["boundaries"][1]["name"]:
                row["boundary"] = "AI helper"
    ids = {"boundaries": [10, 11, 12]}
    diff = plan_diff(Side(old, findings=[], ids=ids), Side(new, findings=[], ids=ids))
    (row,) = [r for s in diff["sections"] for r in s["rows"]]
    assert (row["change"], row["name"], row["renamed_from"]) == (
        "changed",
        "AI helper",
        old["boundaries"][1]["name"],
    )
    assert [f["label"] for f in row["fields"]] == ["Responsibility", "Reason"]
    # Without ids nothing ties them: one removed, one added.
    diff = plan_diff(*sides(old, new))
    rows = [r for s in diff["sections"] for r in s["rows"] if r["kind"] == "boundary"]
    assert sorted(r["change"] for r in rows) == ["added", "removed"]


def test_a_decision_whose_status_changed_is_listed_with_both_statuses():
    new = demo()
    new["decisions"][0]["status"] = "defer"
    level = section(
        plan_diff(*sides(demo(), new, names={"background-jobs": "Background jobs"})), "5"
    )
    assert level["decisions"] == [{"pattern": "Background jobs", "old": "Adopt", "new": "Defer"}]
    assert level["rows"] == []  # the status is not repeated as a changed field


def test_findings_opened_closed_addressed_and_set_aside():
    def finding(key, status=None, dismissed=None, level="3"):
        found = {"key": key, "level": level, "severity": "high", "message": f"About {key}"}
        found["dismissed"] = dismissed
        if status:
            found["status"] = status
        return found

    old = [finding("a"), finding("b"), finding("c"), finding("d"), finding("e", dismissed="no")]
    new = [
        finding("c", status="addressed"),
        finding("d", dismissed="later"),
        finding("e"),
        finding("f"),
    ]
    doc = demo()
    diff = plan_diff(Side(doc, findings=old), Side(copy.deepcopy(doc), findings=new))
    changes = [(f["change"], f["key"]) for f in section(diff, "3")["findings"]]
    assert changes == [
        ("opened", "e"),
        ("opened", "f"),
        ("closed", "a"),
        ("closed", "b"),
        ("addressed", "c"),
        ("set_aside", "d"),
    ]
    assert (diff["counts"]["opened"], diff["counts"]["closed"]) == (2, 2)


def test_findings_default_to_the_advisors():
    old = demo()
    new = demo()
    new["entities"] = []
    new["relationships"] = []
    new["operations"] = [dict(op, entities=[]) for op in new["operations"]]
    diff = plan_diff(Side(old), Side(new))
    assert diff["counts"]["opened"] >= 1
