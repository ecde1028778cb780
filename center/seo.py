"""What search engines read about the center: its breadcrumbs, and the home page's
MedicalClinic JSON-LD with its addresses, phone and licences."""

from django.urls import reverse
from django.utils.translation import gettext as _

from center.profile import Center
from core.seo import absolute_url


def breadcrumb_trail(name: str, path: str) -> list[tuple[str, str]]:
    return [(_("Home"), reverse("core:home")), (name, path)]


def medical_clinic(center: Center) -> dict:
    """schema.org MedicalClinic (a MedicalOrganization) for the center, from its profile: the
    main place is its address, any other place a department with its own."""
    home = absolute_url(reverse("core:home"))
    main, *others = center.places
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
        "@id": f"{home}#organization",
        "name": center.name,
        "url": home,
        "telephone": center.phone,
        "address": _postal_address(main),
        "medicalSpecialty": "https://schema.org/Psychiatric",
    }
    if others:
        data["department"] = [
            {
                "@type": "MedicalClinic",
                "name": place.name,
                "telephone": center.phone,
                "address": _postal_address(place),
            }
            for place in others
        ]
    if center.credentials:
        data["hasCredential"] = [_credential(credential) for credential in center.credentials]
    return data


def _postal_address(place) -> dict:
    return {
        "@type": "PostalAddress",
        "streetAddress": place.street_address,
        "addressLocality": place.city,
        "addressRegion": place.state,
        "postalCode": place.postal_code,
        "addressCountry": "US",
    }


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
