import pytest

from explore import few_matches


@pytest.fixture
def many_matches(monkeypatch):
    """Search as at scale, where a word has more matches than are read in one go."""
    monkeypatch.setattr(few_matches, "FEW_MATCHES_AT_MOST", 0)


@pytest.fixture(params=["few matches", "many matches"])
def either_search_path(request, monkeypatch):
    """Run the test both ways a search with words is answered on PostgreSQL."""
    if request.param == "many matches":
        monkeypatch.setattr(few_matches, "FEW_MATCHES_AT_MOST", 0)
    return request.param
