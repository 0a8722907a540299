"""initreg.Page: values formatted once, claims that fail when false, and the box that lists them."""

import numpy as np
import pytest

import initreg
from initreg._sphinx import EVAL_EXPRESSION


def test_value_is_formatted_once_and_read_back_as_page_attribute():
    page = initreg.Page()
    shown = page.value("err", np.float64(0.69333), "{:.0%}")
    assert shown == "69%" and page.err == "69%"
    assert repr(page.err) == "69%", "the kernel's text/plain is the page's text, without quotes"
    assert page.values == {"err": "69%"}
    page.value("err", 0.5, "{:.0%}")  # a reader re-running a cell replaces the value
    assert page.err == "50%"


@pytest.mark.parametrize("kw, measured, ok", [
    ({"above": 0.5}, 0.6, True), ({"above": 0.5}, 0.5, False),
    ({"at_least": 0.5}, 0.5, True), ({"at_least": 0.5}, 0.49, False),
    ({"below": 1}, 0.9, True), ({"below": 1}, 1, False),
    ({"at_most": 1}, 1, True), ({"at_most": 1}, 1.01, False),
    ({"equals": 3}, 3, True), ({"equals": 3}, 4, False),
    ({"above": 1, "below": 2}, 1.5, True), ({"above": 1, "below": 2}, 2.5, False),
    ({"equals": ["bmi", "s5"]}, ["bmi", "s5"], True), ({"equals": ["bmi", "s5"]}, ["s5", "bmi"], False),
    ({"equals": True}, np.bool_(True), True), ({"equals": True}, 1, False),
])
def test_a_claim_fails_exactly_when_its_bound_does_not_hold(kw, measured, ok):
    page = initreg.Page()
    if ok:
        page.check("the value is {}", measured, **kw)
        assert len(page.all_claims) == 1
    else:
        with pytest.raises(AssertionError, match="claim failed: the value is"):
            page.check("the value is {}", measured, **kw)
        assert not page.all_claims


def test_a_failed_claim_says_its_words_measured_value_and_bound():
    page = initreg.Page()
    with pytest.raises(AssertionError) as err:
        page.check("width 1 misclassifies {} of its training images", 0.45, above=0.5, fmt="{:.0%}")
    msg = str(err.value)
    assert "width 1 misclassifies 45% of its training images" in msg and "above 50%" in msg and "0.45" in msg


def test_words_may_quote_other_values_and_name_the_measured_one():
    page = initreg.Page()
    page.value("width", 8)
    page.check("from width {width} on the gap is {}", 0.109, above=0.05, fmt="{:.1%}", name="gap")
    assert page.gap == "10.9%"
    assert page.all_claims[0].text == "from width 8 on the gap is 10.9%"
    with pytest.raises(ValueError, match="'depth'"):
        page.check("at depth {depth}: {}", 1.0, above=0)


@pytest.mark.parametrize("bad, err", [
    (dict(measured=np.array([1.0, 2.0]), above=0), TypeError),  # reduce an array to the number claimed
    (dict(measured=float("nan"), above=0), ValueError),
    (dict(measured=1.0), ValueError),  # no bound
    (dict(measured=1.0, above=0, at_least=0), ValueError),  # two lower bounds
    (dict(measured=1.0, equals=1, below=2), ValueError),
    (dict(measured="a", above=0), TypeError),
])
def test_bad_checks_are_refused(bad, err):
    with pytest.raises(err):
        initreg.Page().check("x is {}", **bad)


@pytest.mark.parametrize("name", ["", "1x", "_hidden", "check", "a-b", 3])
def test_bad_value_names_are_refused(name):
    with pytest.raises(ValueError, match="name"):
        initreg.Page().value(name, 1)


def test_unknown_value_names_the_known_ones():
    page = initreg.Page()
    page.value("a", 1)
    with pytest.raises(AttributeError, match="known: a"):
        page.b  # noqa: B018


def test_the_box_lists_the_claims_since_the_last_box():
    page = initreg.Page()
    page.check("first is {}", 2, above=1)
    box = page.claims("One")
    page.check("second is {}", 3, above=1)
    page.check("third is {}", 4, above=1)
    box2 = page.claims("Two")
    assert len(box.claims) == 1 and len(box2.claims) == 2
    html = box2._repr_html_()
    assert 'class="initreg-claims"' in html and "second is 3" in html and "above 1" in html and "first" not in html
    assert repr(box2).splitlines()[1] == "✓ second is 3 (claim: above 1)"
    with pytest.raises(ValueError, match="no claim"):
        page.claims()


def test_the_eval_role_takes_exactly_page_dot_name():
    assert EVAL_EXPRESSION.match("page.n_total").group(1) == "n_total"
    for bad in ("n_total", "pg.n_total", "page.n_total + 1", "page._x", "page.a.b"):
        assert EVAL_EXPRESSION.match(bad) is None
