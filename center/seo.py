"""What search engines read about the center: its breadcrumbs, and the home page's
MedicalClinic JSON-LD with its addresses, phone and licences."""

from django.urls import reverse
from django.utils.translation import gettext as _

from center.profile import Center
from core.seo import absolute_url


def breadcrumb_trail(name: str, path: str) -> list[tuple[str, str]]:
    return [(_("Home"), reverse("core:home")), (name, path)]


def medical_clinic(center: Center) -> dict:
    """schema.org MedicalClinic (a MedicalOrganization) for the center, from its profile."""
    addresses = [
        {
            "@type": "PostalAddress",
            "name": place.name,
            "streetAddress": place.street_address,
            "addressLocality": place.city,
            "addressRegion": place.state,
            "postalCode": place.postal_code,
            "addressCountry": "US",
        }
        for place in center.places
    ]
    data = {
        "@context": "https://schema.org",
        "@type": ["MedicalClinic", "MedicalOrganization"],
        "@id": absolute_url(reverse("core:home")) + "#organization",
        "name": center.name,
        "url": absolute_url(reverse("core:home")),
        "telephone": center.phone,
        "address": addresses[0] if len(addresses) == 1 else addresses,
        "medicalSpecialty": ["Psychiatric"],
        "isAcceptingNewPatients": True,
        "hasCredential": [_credential(credential) for credential in center.credentials],
    }
    if not data["hasCredential"]:
        del data["hasCredential"]
    return data


def _credential(credential) -> dict:
    data = {
        "@type": "EducationalOccupationalCredential",
        "name": credential.name,
        "credentialCategory": credential.kind_label,
        "recognizedBy": {"@type": "Organization", "name": credential.issuer},
    }
    if credential.number:
        data["identifier"] = credential.number
    if credential.url:
        data["url"] = credential.url
    return data
