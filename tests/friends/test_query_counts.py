"""Reading friends costs a fixed number of queries, however many friends there are."""

from fastapi.testclient import TestClient

from tests.factories import auth, make_friends, make_learner, practise
from tests.statements import counted
from zeal.context import Context
from zeal.db import Database


def statements_for_friends(client: TestClient, db: Database, ctx: Context, n: int) -> int:
    me = make_learner(db, ctx)
    for _ in range(n):
        friend = make_learner(db, ctx)
        make_friends(db, ctx, me, friend)
        practise(db, ctx, friend, language="fr")
        practise(db, ctx, friend, language="de")
    headers = auth(client, me.username)
    with counted(client) as statements:
        response = client.get("/v1/me/friends", headers=headers)
    assert len(response.json()["friends"]) == n
    return len(statements)


def test_the_friends_list_does_not_query_per_friend(
    client: TestClient, db: Database, ctx: Context
) -> None:
    assert statements_for_friends(client, db, ctx, 2) == statements_for_friends(client, db, ctx, 12)


def test_search_does_not_query_per_result(client: TestClient, db: Database, ctx: Context) -> None:
    me = make_learner(db, ctx)
    headers = auth(client, me.username)
    # The minute's first search also opens the learner's search counter: not per result.
    client.get("/v1/users?q=zz", headers=headers)
    counts = []
    for prefix in ("ab", "cd"):
        for i in range(2 if prefix == "ab" else 12):
            make_learner(db, ctx, username=f"{prefix}_learner{i}")
        with counted(client) as statements:
            found = client.get(f"/v1/users?q={prefix}", headers=headers).json()["results"]
        assert len(found) == (2 if prefix == "ab" else 12)
        counts.append(len(statements))
    assert counts[0] == counts[1]
