from catalogue.text import expand, fold, split_compound, terms


def test_fold_umlauts_and_case() -> None:
    assert fold("Quakenbrück") == "quakenbrueck"
    assert fold("Fußgängerzone") == "fussgaengerzone"
    assert fold("Café") == "cafe"


def test_lemmas_and_plural_compounds() -> None:
    assert terms("Kurse") == ["kurs"]
    assert terms("Krabbelgruppen") == ["krabbelgruppe"]
    assert terms("Elternkurse") == ["elternkurs"]


def test_compound_and_split_forms_meet() -> None:
    assert set(split_compound("deutschkurs")) == {"deutsch", "kurs"}
    assert set(split_compound("elternkurs")) == {"eltern", "kurs"}
    assert split_compound("kurs") == ()


def test_fillers_dropped_from_requests() -> None:
    assert terms("brauch nen deutschkurs in quakenbrück", drop_fillers=True) == ["deutschkurs", "quakenbrueck"]


def test_synonyms_expand_query() -> None:
    weights = expand(terms("Kindergarten"))
    assert "kita" in weights and weights["kindergarten"] == 1.0
    assert "gabelstaplerfuehrerschein" in expand(terms("Staplerschein"))


def test_empty_emoji_and_markup_are_harmless() -> None:
    assert terms("") == []
    assert terms("😀🎉", drop_fillers=True) == []
    assert "script" in terms("<script>alert(1)</script>")
