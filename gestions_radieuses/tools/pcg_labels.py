"""Names of the French chart of accounts (Plan comptable général) for the accounts an
expense export uses, so that each line of the file says which account it is without
anything to configure.

A code is named by its longest known prefix: "6251", "625100" and "62510001" are
all "Voyages et déplacements"; an unknown sub-account of class 62 is "Autres services
extérieurs". The names are those of Odoo's French chart (l10n_fr_account): a CAE
that moves to Odoo Accounting finds the same ones. They are French on purpose: they
name accounts of the French chart, whatever the language of who exports.
"""

PCG_LABELS = {
    # Class 4: third parties
    "4": "Comptes de tiers",
    "42": "Personnel et comptes rattachés",
    "421": "Personnel - Rémunérations dues",
    "422": "Comité social et économique",
    "425": "Personnel - Avances et acomptes",
    "426": "Personnel - Dépôts",
    "427": "Personnel - Oppositions",
    "428": "Personnel - Charges à payer et produits à recevoir",
    "4286": "Personnel - Autres charges à payer",
    "445": "État - Taxes sur le chiffre d'affaires",
    "4456": "Taxes sur le chiffre d'affaires déductibles",
    "44562": "TVA déductible sur immobilisations",
    "44566": "TVA déductible sur autres biens et services",
    "445662": "TVA déductible intracommunautaire",
    "445663": "TVA déductible hors UE (autoliquidation)",
    "455": "Associés - Comptes courants",
    "46": "Débiteurs divers et créditeurs divers",
    "467": "Autres comptes débiteurs ou créditeurs",
    # Class 6: charges
    "6": "Comptes de charges",
    "60": "Achats",
    "604": "Achats d'études et prestations de services",
    "605": "Achats de matériel, équipements et travaux",
    "606": "Achats non stockés de matières et fournitures",
    "6061": "Fournitures non stockables (eau, énergie...)",
    "6063": "Fournitures d'entretien et de petit équipement",
    "6064": "Fournitures administratives",
    "6068": "Achats autres matières et fournitures",
    "607": "Achats de marchandises",
    "61": "Services extérieurs",
    "611": "Sous-traitance générale",
    "613": "Locations",
    "6132": "Locations immobilières",
    "6135": "Locations mobilières",
    "615": "Entretien et réparations",
    "616": "Primes d'assurances",
    "618": "Divers",
    "6181": "Documentation générale",
    "6183": "Documentation technique",
    "6185": "Frais de colloques, séminaires, conférences",
    "62": "Autres services extérieurs",
    "622": "Rémunérations d'intermédiaires et honoraires",
    "6226": "Honoraires",
    "623": "Publicité, publications, relations publiques",
    "6233": "Foires et expositions",
    "6234": "Cadeaux à la clientèle",
    "6236": "Catalogues et imprimés",
    "624": "Transports de biens et transports collectifs du personnel",
    "625": "Déplacements, missions et réceptions",
    "6251": "Voyages et déplacements",
    "6255": "Frais de déménagement",
    "6256": "Missions",
    "6257": "Réceptions",
    "626": "Frais postaux et frais de télécommunications",
    "627": "Services bancaires et assimilés",
    "628": "Divers",
    "6281": "Concours divers (cotisations...)",
    "63": "Impôts, taxes et versements assimilés",
    "64": "Charges de personnel",
    "65": "Autres charges de gestion courante",
}


def pcg_label(code):
    """The name of ``code`` in the French chart: that of its longest known prefix,
    or "" for a code outside the classes above."""
    code = (code or "").strip()
    for length in range(len(code), 0, -1):
        label = PCG_LABELS.get(code[:length])
        if label:
            return label
    return ""
