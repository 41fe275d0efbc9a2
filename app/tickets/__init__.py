"""Support tickets: consultations, feedback and complaints, and the conversation on each."""
