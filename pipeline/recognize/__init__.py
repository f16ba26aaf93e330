"""Recognisers: money, percent, period and company mentions.

Each module has one pure entry point over text (``find_money``, ``find_percents``,
``find_periods``, ``find_companies``) and a spaCy component, registered with
``@Language.factory``, that runs it on ``doc.text`` and stores the mentions on the
Doc (``doc._.mentions`` exact, ``doc.spans[type]`` aligned to tokens).
"""
