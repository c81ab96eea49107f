"""A live workshop: sessions and phases, contributions, votes, moderation, the feed, components."""
