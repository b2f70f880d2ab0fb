"""The cast: a team with an owner, an editor and a viewer; an outsider in another team."""

import pytest
from django.test import Client

from accounts.models import Membership, Team, User
from planner.models import Project


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs ~0.3 s a password and every test creates several users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """The page cache lives in the process: a test must not find a page another one
    cached (project ids come back after a rollback)."""
    from django.core.cache import cache

    cache.clear()


def make_user(
    email: str = "someone@example.com", password: str = "a-long-passphrase-1", **extra
) -> User:
    return User.objects.create_user(email=email, password=password, **extra)


def make_team(name: str = "Acme", **members_by_role) -> Team:
    team = Team.objects.create(name=name)
    for role, users in members_by_role.items():
        for user in users if isinstance(users, (list, tuple)) else [users]:
            Membership.objects.create(team=team, user=user, role=role)
    return team


def make_project(team: Team, name: str = "Chat backend", **extra) -> Project:
    return Project.objects.create(team=team, name=name, **extra)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner(db) -> User:
    return make_user("alice@example.com", name="Alice")


@pytest.fixture
def editor(db) -> User:
    return make_user("bob@example.com", name="Bob")


@pytest.fixture
def viewer(db) -> User:
    return make_user("vera@example.com", name="Vera")


@pytest.fixture
def outsider(db) -> User:
    user = make_user("charlie@example.com", name="Charlie")
    make_team("Charlie's team", owner=user)
    return user


@pytest.fixture
def team(owner, editor, viewer) -> Team:
    return make_team("Acme", owner=owner, editor=editor, viewer=viewer)


@pytest.fixture
def project(team, owner) -> Project:
    return make_project(team, created_by=owner)


@pytest.fixture
def owner_client(owner) -> Client:
    return client_for(owner)


@pytest.fixture
def editor_client(editor) -> Client:
    return client_for(editor)


@pytest.fixture
def viewer_client(viewer) -> Client:
    return client_for(viewer)


@pytest.fixture
def outsider_client(outsider) -> Client:
    return client_for(outsider)


@pytest.fixture
def catalogue(db) -> int:
    """The shared pattern and technique catalogue, loaded as `make run` loads it."""
    from planner.catalogue import load_catalogue

    return load_catalogue()
