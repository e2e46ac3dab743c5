"""One module per radio protocol: framer (bytes → frames), decoder (frame → report), encoder."""
