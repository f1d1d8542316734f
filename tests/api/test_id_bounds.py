"""Path ids past BIGINT (found by fuzzing) answer 404 JSON instead of overflowing SQLite into a 500."""

from __future__ import annotations

HUGE_ID = 2**64 + 5


def test_user_profile_with_huge_id_is_404(client):
    for url in (f"/api/users/{HUGE_ID}", f"/api/users/{HUGE_ID}/avatar"):
        r = client.get(url)
        assert r.status_code == 404, url
        assert r.get_json()["code"] == 404


def test_job_with_huge_id_is_404(client, make_user):
    _, headers = make_user()
    r = client.get(f"/api/jobs/{HUGE_ID}", headers=headers)
    assert r.status_code == 404
    assert r.get_json()["code"] == 404
    assert r.get_json()["message"]


def test_patch_user_with_huge_id_is_404_and_changes_nothing(client, make_user):
    user, headers = make_user(nickname="原名")
    r = client.patch(f"/api/users/{HUGE_ID}", json={"nickname": "新名"}, headers=headers)
    assert r.status_code == 404
    assert client.get(f"/api/users/{user['id']}").get_json()["nickname"] == "原名"
