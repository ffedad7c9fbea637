"""The French and German catalogues: complete, compiled, in step with the code, and served."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext, override
from pytest_django.asserts import assertContains

from tests.services import require_service

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"
TRANSLATED_LANGUAGES = ["de", "fr"]
HOME_HEADLINE = "From smart-city idea to closed deal"


def catalogue_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def every_catalogue() -> list[Path]:
    # The expected ones are listed even when missing, so a deleted catalogue fails loudly.
    expected = {catalogue_path(language) for language in TRANSLATED_LANGUAGES}
    return sorted(expected | set(LOCALE.glob("*/LC_MESSAGES/*.po")))


def catalogue_id(path: Path) -> str:
    return str(path.relative_to(LOCALE))


def message_key(entry: polib.POEntry | polib.MOEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def translations(entries) -> dict[tuple[str, str], str | tuple[str, ...]]:
    """(context, msgid) -> msgstr, or the tuple of plural forms in order."""
    table = {}
    for entry in entries:
        if entry.msgid_plural:
            forms = tuple(entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural))
            table[message_key(entry)] = forms
        else:
            table[message_key(entry)] = entry.msgstr
    return table


def test_every_offered_language_but_the_source_one_has_a_catalogue():
    offered = {code for code, _name in settings.LANGUAGES} - {settings.LANGUAGE_CODE}

    assert offered == set(TRANSLATED_LANGUAGES)
    for language in TRANSLATED_LANGUAGES:
        assert catalogue_path(language).is_file(), f"run `make messages` to create {language}"


@pytest.mark.parametrize("path", every_catalogue(), ids=catalogue_id)
def test_catalogue_is_fully_translated_with_nothing_fuzzy(path):
    catalogue = polib.pofile(str(path))

    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []
    assert not catalogue.metadata_is_fuzzy
    assert catalogue.percent_translated() == 100


@pytest.mark.parametrize(
    ("language", "plural_forms"),
    [("fr", "nplurals=2; plural=(n > 1);"), ("de", "nplurals=2; plural=(n != 1);")],
)
def test_catalogue_header_names_its_language_charset_and_plural_rule(language, plural_forms):
    metadata = polib.pofile(str(catalogue_path(language))).metadata

    assert metadata["Language"] == language
    assert metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert metadata["Plural-Forms"] == plural_forms


@pytest.mark.parametrize("path", every_catalogue(), ids=catalogue_id)
def test_compiled_catalogue_matches_its_source(path):
    # The .mo is committed so that machines without gettext still translate; a stale one
    # would silently serve old wording, so CI compares it message by message.
    compiled_path = path.with_suffix(".mo")
    assert compiled_path.is_file(), f"run `make messages` to compile {catalogue_id(path)}"
    source = polib.pofile(str(path))
    compiled = polib.mofile(str(compiled_path))

    assert translations(compiled) == translations(source.translated_entries())
    assert compiled.metadata.get("Plural-Forms") == source.metadata.get("Plural-Forms")


@pytest.fixture(scope="module")
def msgids_in_code(tmp_path_factory) -> set[tuple[str, str]]:
    """What makemessages extracts from the code today, as (context, msgid) pairs."""
    require_service(shutil.which("xgettext") is not None, "needs gettext's xgettext")
    # makemessages rewrites the catalogue it merges into. It runs in a copy of the sources
    # so the committed .po is never touched, even if this run is killed half-way or an
    # engineer edits the catalogue meanwhile.
    copy = tmp_path_factory.mktemp("sources") / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".git",
            ".venv",
            "staticfiles",
            "media",
            "node_modules",
            "__pycache__",
            ".*_cache",
            ".hypothesis",
            "*.sqlite3",
            "*.mo",
        ),
    )
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "fr",
            "--no-location",
            "--ignore=.venv",
            "--ignore=staticfiles",
            "--ignore=tests",
        ],
        cwd=copy,
        env={**os.environ, "DJANGO_DEBUG": "true"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    regenerated = polib.pofile(str(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    # Entries the code no longer uses come back as obsolete (#~); they are not "in the code".
    return {message_key(entry) for entry in regenerated if not entry.obsolete}


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_every_message_in_the_code_is_in_the_catalogue(language, msgids_in_code):
    catalogue = polib.pofile(str(catalogue_path(language)))
    committed = {message_key(entry) for entry in catalogue if not entry.obsolete}

    missing = sorted(msgids_in_code - committed)
    assert missing == [], "run `make messages` and translate the new strings"


def assert_home_page_in(response, language: str, headline: str) -> None:
    assert f'<html lang="{language}">' in response.content.decode()
    # Compared as HTML, so the test holds whether or not the apostrophes come out escaped.
    assertContains(response, f"<h1>{escape(headline)}</h1>", html=True)


def translated_headline(language: str) -> str:
    with override(language):
        headline = gettext(HOME_HEADLINE)
    # Without this, a missing translation would fall back to English and the test would pass.
    assert headline != HOME_HEADLINE, f"no {language} translation for the home page headline"
    return headline


@pytest.mark.django_db
def test_language_switcher_shows_the_home_page_in_french(client):
    home = reverse("home")

    response = client.post(reverse("set_language"), {"language": "fr", "next": home}, follow=True)

    assert response.redirect_chain == [(home, 302)]
    assert_home_page_in(response, "fr", translated_headline("fr"))


@pytest.mark.django_db
def test_french_chosen_with_the_switcher_stays_on_the_next_page(client):
    client.post(reverse("set_language"), {"language": "fr", "next": reverse("home")})

    response = client.get(reverse("home"))

    assert_home_page_in(response, "fr", translated_headline("fr"))


@pytest.mark.django_db
def test_browser_asking_for_french_gets_the_home_page_in_french(client):
    response = client.get(reverse("home"), headers={"accept-language": "fr-FR,fr;q=0.9"})

    assert_home_page_in(response, "fr", translated_headline("fr"))


@pytest.mark.django_db
def test_browser_asking_for_german_gets_the_home_page_in_german(client):
    response = client.get(reverse("home"), headers={"accept-language": "de-DE,de;q=0.9"})

    assert_home_page_in(response, "de", translated_headline("de"))


@pytest.mark.django_db
def test_browser_asking_for_an_unoffered_language_gets_english(client):
    response = client.get(reverse("home"), headers={"accept-language": "pt-BR,pt;q=0.9"})

    assert_home_page_in(response, "en", HOME_HEADLINE)
