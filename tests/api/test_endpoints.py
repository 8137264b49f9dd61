"""The endpoints and what they nest."""

import pytest

from tests.api.documented import LIST_ROW

pytestmark = pytest.mark.django_db


def get(api_client, url, **params):
    response = api_client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def test_api_root_lists_the_endpoints(api_client):
    root = get(api_client, "/api/v1/")
    assert {"exercises", "states", "organisations", "locations", "scenarios", "sources", "stats"} <= set(root)


def test_list_rows_are_compact(api_client):
    row = get(api_client, "/api/v1/exercises/", country="UZ")["results"][0]
    assert list(row) == LIST_ROW


def test_detail_nests_participations_with_codes_names_and_roles(api_client):
    detail = get(api_client, "/api/v1/exercises/tsentr-2011-kyrgyzstan/")
    host = next(p for p in detail["participations"] if p["role"] == "host")
    assert (host["alpha2"], host["alpha3"], host["name"]) == ("KG", "KGZ", "Kyrgyzstan")


def test_detail_nests_troop_figures_with_qualifier_and_citation(api_client):
    [figure] = get(api_client, "/api/v1/exercises/tsentr-2011/")["troop_figures"]
    assert (figure["low"], figure["qualifier"], figure["is_reported"]) == (12000, "exact", True)
    assert figure["citations"][0]["source"] == "kucera-2011-csto-vision"
    assert "12,000 soldiers" in figure["citations"][0]["excerpt"]


def test_detail_nests_locations_with_coordinates(api_client):
    detail = get(api_client, "/api/v1/exercises/tsentr-2011-kyrgyzstan/")
    assert [(loc["name"], loc["latitude"], loc["longitude"]) for loc in detail["locations"]] == [
        ("Valley near Bishkek", 42.87, 74.59)
    ]


def test_detail_nests_scenarios_with_forces_and_adversary(api_client):
    detail = get(api_client, "/api/v1/exercises/tsentr-2011-kazakhstan/")
    attack = next(s for s in detail["scenarios"] if s["threat_type"] == "air_attack")
    assert (attack["adversary_state"]["alpha3"], attack["adversary_basis"]) == ("IRN", "inferred")
    assert {f["name"] for f in attack["forces"]} == {"F-4", "F-5", "Su-25"}
    assert attack["citations"][0]["via"] == "mk-2011-tsentr-documents"


def test_detail_links_parent_phases_and_related_exercises(api_client):
    tsentr = get(api_client, "/api/v1/exercises/tsentr-2011/")
    assert {p["slug"] for p in tsentr["phases"]} == {"tsentr-2011-kazakhstan", "tsentr-2011-kyrgyzstan"}
    assert (
        tsentr["related"] == [{"kind": "concurrent", "exercise": pytest.approx(tsentr["related"][0]["exercise"])}]
        and tsentr["related"][0]["exercise"]["slug"] == "russia-belarus-2011"
    )
    phase = get(api_client, "/api/v1/exercises/tsentr-2011-kazakhstan/")
    assert phase["parent"]["slug"] == "tsentr-2011"


def test_related_link_shows_from_both_sides(api_client):
    belarus = get(api_client, "/api/v1/exercises/russia-belarus-2011/")
    assert belarus["related"][0]["exercise"]["slug"] == "tsentr-2011"


def test_detail_lists_its_sources_with_relayed_ones(api_client):
    detail = get(api_client, "/api/v1/exercises/tsentr-2011-kazakhstan/")
    sources = {s["key"]: s for s in detail["sources"]}
    assert sources["kucera-2011-csto-vision"]["citations"] > 5
    assert sources["mk-2011-tsentr-documents"]["relayed"] >= 1


def test_detail_of_unknown_slug_is_404(api_client):
    assert api_client.get("/api/v1/exercises/no-such-exercise/").status_code == 404


@pytest.mark.parametrize("code", ["kz", "KZ", "kaz", "KAZ"])
def test_state_detail_takes_alpha2_or_alpha3_in_any_case(api_client, code):
    assert get(api_client, f"/api/v1/states/{code}/")["alpha3"] == "KAZ"


def test_state_detail_takes_iso_3166_3_codes(api_client):
    assert get(api_client, "/api/v1/states/suhh/")["name"] == "Soviet Union"


def test_states_carry_exercise_counts(api_client):
    assert get(api_client, "/api/v1/states/RU/")["exercise_count"] == 5


def test_unknown_state_code_is_404(api_client):
    assert api_client.get("/api/v1/states/XX/").status_code == 404


def test_organisations_carry_membership_periods(api_client):
    csto = get(api_client, "/api/v1/organisations/csto/")
    uzbekistan = [m for m in csto["memberships"] if m["state"]["alpha2"] == "UZ"]
    assert [(m["status"], m["started_on"], m["ended_on"]) for m in uzbekistan] == [
        ("member", "2006-06-23", "2012-12-19"),
        ("suspended", "2012-12-19", None),
    ]


def test_locations_list(api_client):
    slugs = {loc["slug"] for loc in get(api_client, "/api/v1/locations/", state="KZ")["results"]}
    assert slugs == {"karaganda-region", "mangistau-region"}


def test_scenarios_filter_by_threat(api_client):
    rows = get(api_client, "/api/v1/scenarios/", threat="amphibious_landing")["results"]
    assert [r["key"] for r in rows] == ["militant-landing-mangistau"]
    assert rows[0]["exercise"]["slug"] == "tsentr-2011-kazakhstan"


def test_scenarios_filter_by_adversary_state(api_client):
    rows = get(api_client, "/api/v1/scenarios/", adversary="Iran")["results"]
    assert [r["key"] for r in rows] == ["air-attack-southern-caspian"]


def test_sources_say_what_they_support(api_client):
    source = get(api_client, "/api/v1/sources/kucera-2011-csto-vision/")
    records = {(s["record"]["type"], s["record"].get("exercise")) for s in source["supports"]}
    assert ("troop_figure", "tsentr-2011") in records and ("scenario", "tsentr-2011-kazakhstan") in records


def test_sources_list_counts_citations(api_client):
    rows = {s["key"]: s for s in get(api_client, "/api/v1/sources/")["results"]}
    assert rows["kucera-2011-csto-vision"]["citation_count"] > 50


def test_stats_per_year(api_client):
    stats = get(api_client, "/api/v1/stats/", by="year")
    assert stats == {
        "per_year": [
            {"year": 2010, "exercises": 1, "troops": 1700, "with_troops": 1},
            {"year": 2011, "exercises": 2, "troops": 24000, "with_troops": 2},  # Tsentr-2011 once, with its phases
        ]
    }


def test_stats_per_state_narrowed_by_filters(api_client):
    stats = get(api_client, "/api/v1/stats/", by="state", year=2011, top_level="true")
    russia = next(row for row in stats["per_state"] if row["code"] == "RUS")
    assert (russia["exercises"], russia["troops"]) == (2, 24000)


def test_stats_per_organisation(api_client):
    stats = get(api_client, "/api/v1/stats/", by="organisation")
    assert {row["acronym"]: row["exercises"] for row in stats["per_organisation"]} == {"CSTO": 2, None: 1}


def test_stats_run_one_query_per_series(api_client, django_assert_num_queries):
    with django_assert_num_queries(3):
        api_client.get("/api/v1/stats/")


def test_stats_refuse_unknown_series(api_client):
    assert api_client.get("/api/v1/stats/", {"by": "month"}).status_code == 400


def test_schema_lists_every_filter_with_its_type_and_values(api_client):
    import yaml  # noqa: F401  (drf-spectacular depends on PyYAML)

    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/exercises/"]["get"]
    params = {p["name"]: p["schema"] for p in operation["parameters"]}
    from exercises.filtersets import ExerciseFilterSet

    assert set(ExerciseFilterSet.base_filters) | {"page", "page_size"} <= set(params)
    assert "air_attack" in params["threat"]["items"]["enum"]
    assert set(params["role"]["enum"]) == {"host", "lead", "participant", "observer"}
    assert params["year"]["type"] == "integer"


def test_docs_are_served_from_local_assets(api_client):
    html = api_client.get("/api/docs/").content.decode()
    assert "drf_spectacular_sidecar" in html and "cdn.jsdelivr" not in html


def test_browsable_api_renders_without_listing_whole_tables(client, django_user_model):
    admin = django_user_model.objects.create_superuser("boss", "b@example.org", "a-long-test-password")
    client.force_login(admin)
    response = client.get("/api/v1/exercises/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response.content.decode().count("<option") < 400


def test_schema_generates_without_warnings_and_validates(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/v1/auth/token/" in (tmp_path / "schema.yaml").read_text()


def test_schema_documents_errors_headers_and_export_bodies(api_client):
    paths = api_client.get("/api/schema/", {"format": "json"}).json()["paths"]
    patch = paths["/api/v1/exercises/{slug}/"]["patch"]
    assert {"400", "401", "403", "404", "412", "428", "429"} <= set(patch["responses"])
    assert {"name": "If-Match", "in": "header", "required": True}.items() <= next(
        p for p in patch["parameters"] if p["name"] == "If-Match"
    ).items()
    assert "ETag" in patch["responses"]["200"]["headers"]
    listing = paths["/api/v1/exercises/"]["get"]["responses"]["200"]["content"]
    assert listing["text/csv"]["schema"]["type"] == "string"
    assert listing["application/geo+json"]["schema"]["properties"]["type"]["enum"] == ["FeatureCollection"]
