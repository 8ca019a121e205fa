"""Speech synthesis: engines behind one interface, a content-addressed cache, parallel workers."""
