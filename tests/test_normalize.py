from signon.normalize import fold, office_key


def test_office_keys_ignore_case_accents_spacing_and_abbreviations():
    assert office_key("saint louis ", "MO") == office_key("Saint Louis", "MO") == "MO:saint louis"
    assert office_key("St. Louis", "mo") == "MO:saint louis"
    assert office_key("Mayagüez", "PR") == "PR:mayaguez"
    assert office_key("Coeur d'Alene", "ID") == office_key("Coeur d’Alene", "ID")


def test_fold_keeps_different_places_apart():
    assert fold("Springfield") != fold("Springdale")
    assert fold("Fort Worth") == fold("Ft. Worth")
    assert fold("Mount Vernon") == fold("Mt Vernon")


def test_fold_can_keep_abbreviations_as_typed_for_a_search():
    assert fold("St. Mayagüez", expand_abbreviations=False) == "st mayaguez"
    assert fold("St. Mayagüez") == "saint mayaguez"
