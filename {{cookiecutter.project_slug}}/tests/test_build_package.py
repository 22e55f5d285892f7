"""What scripts/build_package.py leaves out of the Lambda package: the translations of languages the
project doesn't speak. Those it speaks, and English (Django's fallback), keep working."""

import gettext
import shutil
from pathlib import Path

import django
from build_package import kept_locales, remove_other_translations
from django.conf import settings
from django.utils.translation import to_locale

DJANGO_LOCALE = Path(django.__file__).parent / "conf" / "locale"
REQUIRED = "This field is required."


def install_catalogs(site_packages: Path, *locales: str) -> Path:
    """Django's own locale folders for these languages, as pip installs them into the package."""
    locale_dir = site_packages / "django" / "conf" / "locale"
    for locale in locales:
        shutil.copytree(DJANGO_LOCALE / locale, locale_dir / locale)
    return locale_dir


def test_the_package_keeps_the_languages_of_the_settings_and_english():
    kept = kept_locales()

    assert {to_locale(code) for code, _ in settings.LANGUAGES} | {"en"} <= kept
    assert "fr" not in kept


def test_other_languages_lose_their_catalogs_and_keep_their_formats(tmp_path):
    locale_dir = install_catalogs(tmp_path, "en", "fr")

    remove_other_translations(tmp_path, kept_locales())

    assert (locale_dir / "en" / "LC_MESSAGES" / "django.mo").exists()
    assert not (locale_dir / "fr" / "LC_MESSAGES" / "django.mo").exists()
    assert (locale_dir / "fr" / "formats.py").exists()


def test_a_language_added_to_the_settings_keeps_its_translated_messages(tmp_path):
    locale_dir = install_catalogs(tmp_path, "en", "de", "fr")

    remove_other_translations(tmp_path, kept_locales() | {"de"})

    german = gettext.translation("django", localedir=locale_dir, languages=["de"])
    assert german.gettext(REQUIRED) == "Dieses Feld ist zwingend erforderlich."
    english = gettext.translation("django", localedir=locale_dir, languages=["en"])
    assert english.gettext(REQUIRED) == REQUIRED
