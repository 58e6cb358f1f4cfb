// Keeps the tool support library non-empty before its first real source lands.
