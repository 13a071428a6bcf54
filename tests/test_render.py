"""SES's Handlebars subset, exercised through TestRenderTemplate with a real client."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.exceptions import ClientError
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import NO_RETRIES, raises_ses_error
from tests.test_sending_fuzz import FUZZ

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient

    from pytest_ses import SESMock

PEOPLE = {"people": [{"name": "Ann", "tags": ["a", "b"]}, {"name": "Bob", "tags": []}]}

# (template, data, rendered)
CASES: list[tuple[str, dict[str, Any], str]] = [
    ("Hi {{name}}!", {"name": "Ann"}, "Hi Ann!"),
    ("{{ name }}", {"name": "spaced"}, "spaced"),
    ("{{user.address.city}}", {"user": {"address": {"city": "Paris"}}}, "Paris"),
    ("{{a}}", {"a": "<b>&amp;\"'</b>"}, "<b>&amp;\"'</b>"),  # no HTML escaping
    ("{{{a}}} {{& a}}", {"a": "<i>"}, "<i> <i>"),
    (
        "{{n}} {{f}} {{t}} {{z}} {{none}}",
        {"n": 3, "f": 2.5, "t": True, "z": 0, "none": None},
        "3 2.5 true 0 ",
    ),
    ("{{list}} {{obj}}", {"list": [1, "x"], "obj": {"k": 1}}, "1,x [object Object]"),
    ("{{Name}}/{{name}}", {"Name": "upper", "name": "lower"}, "upper/lower"),
    ("{{a}}", {"a": "x", "extra": {"ignored": True}}, "x"),
    ("{{#if ok}}yes{{else}}no{{/if}}", {"ok": True}, "yes"),
    ("{{#if ok}}yes{{else}}no{{/if}}", {"ok": 0}, "no"),
    ("{{#if ok}}yes{{else}}no{{/if}}", {}, "no"),  # a missing condition is false, not an error
    ("{{#if ok}}yes{{else}}no{{/if}}", {"ok": []}, "no"),
    ("{{#if ok}}yes{{else}}no{{/if}}", {"ok": {}}, "yes"),
    ("{{#if ok}}yes{{else}}no{{/if}}", {"ok": ""}, "no"),
    ("{{#unless ok}}off{{else}}on{{/unless}}", {"ok": False}, "off"),
    ("{{#each xs}}[{{@index}}:{{this}}]{{/each}}", {"xs": ["a", "b"]}, "[0:a][1:b]"),
    ("{{#each xs}}x{{else}}empty{{/each}}", {"xs": []}, "empty"),
    ("{{#each o}}{{@key}}={{this}};{{/each}}", {"o": {"a": 1, "b": 2}}, "a=1;b=2;"),
    (
        "{{#each xs}}{{#if @first}}<{{/if}}{{.}}{{#if @last}}>{{/if}}{{/each}}",
        {"xs": [1, 2, 3]},
        "<123>",
    ),
    (
        "{{#each people}}{{name}}({{#each tags}}{{this}}{{else}}-{{/each}}){{/each}}",
        PEOPLE,
        "Ann(ab)Bob(-)",
    ),
    ("{{#each people}}{{name}}@{{../shop}} {{/each}}", {**PEOPLE, "shop": "S"}, "Ann@S Bob@S "),
    ("{{#each people}}{{@root.shop}}{{/each}}", {**PEOPLE, "shop": "S"}, "SS"),
    (
        "{{#with user}}{{name}} of {{../org}}{{else}}nobody{{/with}}",
        {"user": {"name": "U"}, "org": "O"},
        "U of O",
    ),
    ("{{#with user}}{{name}}{{else}}nobody{{/with}}", {}, "nobody"),
    ("{{lookup sizes size}}", {"sizes": {"m": "Medium"}, "size": "m"}, "Medium"),
    ("{{xs.1}} {{xs.length}}", {"xs": ["a", "b"]}, "b 2"),
    (
        '{{#* inline "row"}}<{{name}}>{{/inline}}{{#each people}}{{> row}}{{/each}}',
        PEOPLE,
        "<Ann><Bob>",
    ),
    ('{{#*inline "who"}}{{name}}{{/inline}}{{> who user}}', {"user": {"name": "U"}}, "U"),
    ("a{{! a comment }}b{{!-- has }} inside --}}c", {}, "abc"),
    ("a {{~ x ~}} b", {"x": "X"}, "aXb"),
    (
        "<ul>\n  {{#each xs}}\n  <li>{{this}}</li>\n  {{/each}}\n</ul>",
        {"xs": [1, 2]},
        "<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>",
    ),  # standalone block lines vanish
    ("{{#if a}}\n{{#if b}}\nboth\n{{/if}}\n{{/if}}\n", {"a": 1, "b": 1}, "both\n"),
    ("{{#each xs}}{{#with this}}{{@index}}{{v}}{{/with}}{{/each}}", {"xs": [{"v": "a"}]}, "0a"),
    ("Grüße {{name}} ✓", {"name": "Zoë 日本"}, "Grüße Zoë 日本 ✓"),
]


@pytest.mark.parametrize(("template", "data", "expected"), CASES)
def test_rendering(
    ses: SESMock, client: SESClient, template: str, data: Any, expected: str
) -> None:
    client.create_template(Template={"TemplateName": "T", "HtmlPart": template})
    client.send_templated_email(
        Source="a@example.com",
        Destination={"ToAddresses": ["b@example.com"]},
        Template="T",
        TemplateData=json.dumps(data),
    )
    assert ses.outbox.only().html == expected
    # TestRenderTemplate renders the same, inside a MIME message.
    rendered = client.test_render_template(TemplateName="T", TemplateData=json.dumps(data))
    assert "MIME-Version: 1.0" in rendered["RenderedTemplate"]


@pytest.mark.parametrize(
    ("template", "data", "missing"),
    [
        ("{{name}}", {}, "name"),
        ("{{user.name}}", {"user": {}}, "user.name"),
        ("{{user.name}}", {"user": "text"}, "user.name"),
        ("{{#each xs}}{{title}}{{/each}}", {"xs": [{"title": "a"}, {}]}, "title"),
        ("{{Name}}", {"name": "case matters"}, "Name"),
        ("{{#with u}}{{../missing}}{{/with}}", {"u": {"x": 1}}, "../missing"),
    ],
)
def test_a_missing_variable(client: SESClient, template: str, data: Any, missing: str) -> None:
    client.create_template(Template={"TemplateName": "T", "SubjectPart": template})
    raises_ses_error(
        lambda: client.test_render_template(TemplateName="T", TemplateData=json.dumps(data)),
        "MissingRenderingAttribute",
        f"Attribute '{missing}' is not present in the rendering data.",
    )


@pytest.mark.parametrize("depth", [120, 5000])
def test_blocks_nested_past_pythons_limits_are_an_invalid_template(
    client: SESClient, depth: int
) -> None:
    deep = "{{#if a}}" * depth + "x" + "{{/if}}" * depth
    raises_ses_error(
        lambda: client.create_template(Template={"TemplateName": "Deep", "HtmlPart": deep}),
        "InvalidTemplate",
        "The template nests blocks too deeply.",
    )


def test_the_compiled_template_is_cached_by_text(client: SESClient) -> None:
    from pytest_ses._fake import render

    client.create_template(Template={"TemplateName": "T", "HtmlPart": "{{a}} cached"})
    before = render.compile_template.cache_info().hits
    for _ in range(3):
        client.test_render_template(TemplateName="T", TemplateData='{"a": 1}')
    assert render.compile_template.cache_info().hits >= before + 3


# -- never anything but SES's errors ---------------------------------------------------------

CLIENT = boto3.client("ses", region_name="us-east-1", config=NO_RETRIES)
RENDER_ERRORS = {"MissingRenderingAttribute", "InvalidRenderingParameter", "InvalidTemplate",
                 "InvalidParameterValue"}  # fmt: skip
pieces = st.sampled_from(
    ["{{", "}}", "{{a}}", "{{a.b}}", "{{#if a}}", "{{/if}}", "{{else}}", "{{#each xs}}",
     "{{/each}}", "{{this}}", "{{@index}}", "{{#with a}}", "{{/with}}", "{{../a}}", "{{> p}}",
     '{{#* inline "p"}}', "{{/inline}}", "{{!c}}", "{{!--", "--}}", "{{{a}}}", "{{~a~}}", "\n",
     " ", "x", "é", "{{lookup a b}}", "{{#unless a}}", "{{/unless}}", "{{^a}}", '"'],
)  # fmt: skip
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("abxs"), inner),
    max_leaves=8,
)


@FUZZ
@given(
    template=st.lists(pieces, max_size=12).map("".join),
    data=st.one_of(st.dictionaries(st.sampled_from(["a", "b", "xs"]), json_values), st.text()),
)
def test_rendering_never_raises_anything_but_ses_errors(
    ses: SESMock, template: str, data: Any
) -> None:
    CLIENT.delete_template(TemplateName="F")  # the previous example's, if any
    try:
        CLIENT.create_template(Template={"TemplateName": "F", "HtmlPart": template or "x"})
        result = CLIENT.test_render_template(
            TemplateName="F", TemplateData=data if isinstance(data, str) else json.dumps(data)
        )
    except ClientError as exc:
        assert exc.response["Error"]["Code"] in RENDER_ERRORS, exc.response
        assert exc.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    else:
        assert result["RenderedTemplate"].startswith("Subject: ")
