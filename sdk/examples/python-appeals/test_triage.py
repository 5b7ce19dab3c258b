"""Tests of the triage logic, outside the sandbox: `python3 -m unittest`."""

import unittest

import triage


def kz(text, **record):
    return {"case_id": "c-1", "source": "kz.appeals",
            "record": {"id": "OT-1", "text": text, "language": "ru",
                       "region_kato": "751110000", "addressee_body": "akimat:750000000",
                       "type": "complaint", **record}}


class TriageTest(unittest.TestCase):
    def test_a_kazakh_appeal_is_routed_to_the_regional_body(self):
        decision = triage.triage(kz("Во дворе не вывозят мусор уже неделю"))
        self.assertEqual(decision["category"], "waste_cleaning")
        self.assertEqual(decision["responsible_body"], "housing_utilities:750000000")
        self.assertTrue(decision["misrouted"])
        self.assertTrue(decision["reply_draft"]["ai_generated"])

    def test_a_madrid_request_goes_to_a_madrid_unit(self):
        case = {"case_id": "c-2", "source": "madrid.requests",
                "record": {"id": "SYR-1", "texto": "Hay un bache enorme en la calzada",
                           "cod_distrito": "05", "unidad_destino": "AG-OEQ",
                           "tipo": "reclamacion"}}
        decision = triage.triage(case)
        self.assertEqual(decision["category"], "roads")
        self.assertEqual(decision["responsible_body"], "AG-OEQ")
        self.assertFalse(decision["misrouted"])
        self.assertEqual(decision["reply_draft"]["language"], "es")

    def test_danger_words_make_it_urgent(self):
        decision = triage.triage(kz("В подъезде сильно пахнет газом, утечка газа"))
        self.assertEqual(decision["priority"], "urgent")

    def test_a_text_in_the_kazakh_latin_alphabet_is_read_like_cyrillic(self):
        cyrillic = triage.triage(kz("Во дворе не вывозят мусор, контейнеры переполнены"))
        latin = triage.triage(kz("Vo dvore ne vyvoziat musor, konteinery perepolneny"))
        self.assertEqual(latin["category"], cyrillic["category"])
        self.assertEqual(latin["priority"], cyrillic["priority"])

    def test_code_list_labels_reach_the_reply(self):
        def lookup(list_name, code):
            return (code, [("ru", "Метка " + list_name)])
        decision = triage.triage(kz("Во дворе не вывозят мусор"), lookup)
        self.assertIn("Метка appeal_categories", decision["reply_draft"]["text"])
        self.assertIn("Метка kz_bodies", decision["reply_draft"]["text"])

    def test_a_case_without_text_is_bad_input(self):
        with self.assertRaises(triage.BadCase):
            triage.triage({"case_id": "c-3", "source": "kz.appeals", "record": {"id": "x"}})
        with self.assertRaises(triage.BadCase):
            triage.triage([1, 2])


if __name__ == "__main__":
    unittest.main()
