"""Load the first letter, to Congress on immigration reform, word for word.

The client's copy had the contact's e-mail address blanked out; staff fill it in
from the letter's admin page, and the page reads cleanly until they do.
"""

from django.db import migrations

SLUG = "immigration-reform"

SALUTATION = 'Dear Members of the U.S. House of Representatives and the U.S. Senate:'

BODY = """\
Through The U.S. Conference of Mayors, America’s mayors stand united, in the belief that we need to fix our broken immigration system and immediately begin working on the enactment of comprehensive immigration reform. As Mayors, we have a ground level understanding of the pressing economic and moral imperatives that necessitate working in a bipartisan manner to begin fixing our immigration laws.

It is important to note that all Mayors have taken oaths to uphold the law and defend the Constitution. Further, Mayors of cities big and small across the nation, in conjunction with local law enforcement, are committed to ensuring that all criminals, regardless of their immigration status, are properly adjudicated by the criminal justice system. While we work diligently on building and preserving the trust of all the communities we serve, our local law enforcement has a long history of working in cooperation with federal authorities in order to make our communities safe.

In the absence of federal immigration reform, mayors and their cities continue to seek strategies to protect the safety of all of their residents while ensuring that local law enforcement is focused on community policing. In partnership with our police chiefs, we have strong reservations about any efforts, either through executive action or legislation to deny federal funds to cities that aim to build trusting and supportive relations with immigrant communities. We believe that the dignity, health, rights, and privacy of all our residents must be respected, and our cities must ensure that members of our immigrant communities are afforded an opportunity to thrive.

The United States Conference of Mayors has called for bipartisan immigration reform for many years. Once again, we urge Congress to pass immigration reform right away that would:

- Strengthen our borders while assuring that state and local law enforcement is able to remain focused on community policing;
- Establish a streamlined visa process to efficiently process seasonal, agricultural, lesser-skilled and high skilled workers;
- Provide a uniform system of employment verification; and
- Implement a framework that enables people of goodwill currently living in the shadows to come out and fully pursue the American dream.

Further, we support bipartisan efforts, such as the BRIDGE Act, that grant temporary protected status to shield from deportation, undocumented immigrants who came here as children, many of whom have known no home other than America. It is critical that Congress protect the temporary status of Dreamers as well as the families of those serving in our armed forces.
"""

CLOSING = 'The nation’s Mayors stand together and committed to working with Congress and the new Administration in a bipartisan manner to fix our immigration system to ensure that our communities are safe while allowing all of our residents to thrive.'


def load_seed_letter(apps, schema_editor):
    Letter = apps.get_model("letters", "Letter")
    Letter.objects.update_or_create(
        slug=SLUG,
        defaults={
            "title": "Mayors’ Letter to Congress on Immigration Reform",
            "summary": (
                "America’s mayors urge Congress to pass bipartisan, comprehensive "
                "immigration reform."
            ),
            "salutation": SALUTATION,
            "body": BODY,
            "closing": CLOSING,
            "questions_contact_name": "Laura DeKoven Waxman",
            "questions_contact_email": "",
            "status": "open",
        },
    )


def remove_seed_letter(apps, schema_editor):
    apps.get_model("letters", "Letter").objects.filter(slug=SLUG).delete()


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_initial")]

    operations = [migrations.RunPython(load_seed_letter, remove_seed_letter)]
