"""The checkers themselves, on small fixtures: each one finds a deliberately unmarked or
untranslated string, and passes what is marked (so the real tests can fail)."""

from tests.i18n.checks import english_words, template_messages, unmarked_text


def test_an_unmarked_text_node_is_found():
    assert unmarked_text("{% load i18n %}<p>Hello there</p>") == ["Hello", "there"]


def test_unmarked_attributes_people_read_are_found():
    source = (
        '<input placeholder="Your name"><a title="Open it" aria-label="Close">x</a>'
        '<input type="submit" value="Send">'
    )
    assert sorted(unmarked_text(source)) == ["Close", "Open", "Send", "Your", "it", "name"]


def test_marked_strings_variables_tags_and_technical_terms_pass():
    source = """{% load i18n %}<h1>{% translate "Hello" %}</h1>
      <p>{% blocktranslate trimmed with n=x %}Hello {{ n }} friends{% endblocktranslate %}</p>
      <p>{{ order.name }} · #{{ order.pk }} — 12 API SMS JSON</p>
      {# a comment in English #}{% comment %} and a long one {% endcomment %}
      <input placeholder="you@example.com"><input placeholder="https://instagram.com/you">
      <input class="some class" name="quantity" type="text" value="preset">
      <button lang="ar">العربية</button><button lang="en">English</button>
      <input placeholder="{% translate "Search" %}">"""
    assert unmarked_text(source) == []


def test_text_in_a_tag_between_marked_strings_is_still_found():
    source = '{% load i18n %}{% if a %}{% translate "One" %}{% else %}Two{% endif %}'
    assert unmarked_text(source) == ["Two"]


def test_messages_are_read_as_makemessages_reads_them():
    source = """{% load i18n %}{% translate "Order" context "verb" %}{% translate "Hi" %}
      {% blocktranslate trimmed count counter=n %}{{ counter }} line{% plural %}{{ counter }}
      lines{% endblocktranslate %}"""
    assert template_messages(source) == {("verb", "Order"), ("", "Hi"), ("", "%(counter)s line")}


def test_english_words_left_on_a_page_are_found_but_not_data():
    page = """<html lang="ar" dir="rtl"><body><h1>طلب</h1><p>Your balance</p>
      <bdi>Instagram followers</bdi><code>orders</code><span dir="ltr">balance</span>
      <p dir="auto">balance</p><input placeholder="balance"></body></html>"""
    assert english_words(page, {"balance", "your", "followers", "orders"}) == [
        "Your",
        "balance",
        "balance",
    ]
