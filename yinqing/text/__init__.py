"""Pure text processing (jieba, stop words, term counts); imports neither Flask nor the ORM."""
