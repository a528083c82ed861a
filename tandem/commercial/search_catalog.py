"""Products in the global search (tandem.core.search): name, code, category and
description; never the unit cost."""

from __future__ import annotations

from django.urls import reverse

from tandem.commercial.models import Product
from tandem.core import search

search.register(
    Product,
    label="Product",
    title=lambda product: product.name,
    subtitle=lambda product: " · ".join(
        filter(None, [product.category, f"{product.list_price:,.2f} {product.currency}", "" if product.is_active else "Not on sale"])
    ),
    text=lambda product: " ".join(filter(None, [product.code, product.category, product.description])),
    url=lambda product: reverse("commercial:product_edit", args=[product.pk]),
)
