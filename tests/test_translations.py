"""The UI is in Simplified Chinese and English: every string has its Chinese, and a zh browser gets it."""

from pathlib import Path

import pytest

PO = Path(__file__).resolve().parents[1] / "src/firstline/locale/zh_Hans/LC_MESSAGES/django.po"


def _untranslated(text: str) -> list[str]:
    lines = text.splitlines()
    missing = []
    for i, line in enumerate(lines):
        if line == 'msgstr ""' and (i + 1 == len(lines) or not lines[i + 1].startswith('"')):
            msgid_line = next(lines[j] for j in range(i - 1, -1, -1) if lines[j].startswith("msgid"))
            if msgid_line != 'msgid ""':
                missing.append(msgid_line)
    return missing


def test_every_message_has_its_chinese():
    text = PO.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text, "fuzzy entries: check and fix them"
    assert _untranslated(text) == [], "run `make messages` and translate the new entries"


@pytest.mark.django_db
def test_a_chinese_browser_gets_chinese_and_an_english_one_english(client):
    assert "用户名或密码" not in client.get("/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    zh = client.get("/login/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in zh and "<h1>登录</h1>" in zh
    en = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="en">' in en and "<h1>Sign in</h1>" in en
