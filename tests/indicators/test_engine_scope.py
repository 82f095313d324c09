"""The touched pairs the status engine is given, in every shape a caller sends them."""

from indicators.engine.scope import normalise_pairs


def test_one_months_triples_as_a_task_receives_them():
    assert normalise_pairs([[3, 7, "2023-11"], [3, 8, "2023-11"], [3, 7, "2023-11"]]) == {
        (3, 7): "2023-11",
        (3, 8): "2023-11",
    }


def test_the_earliest_period_of_a_pair_wins_whatever_the_order():
    triples = [(3, 7, "2023-11"), ("3", "7", "2023-02"), (3, 7, "2023-05"), (4, 7, "2023-11")]
    expected = {(3, 7): "2023-02", (4, 7): "2023-11"}
    assert normalise_pairs(triples) == expected
    assert normalise_pairs(reversed(triples)) == expected
    assert normalise_pairs(t for t in triples) == expected


def test_a_mapping_and_nothing():
    assert normalise_pairs({(1, 2): "2023-01"}) == {(1, 2): "2023-01"}
    assert normalise_pairs([]) == {}
