"""Relief Leads: judicial-relief lead finding across government exports."""
