-- Question: which models carry the Hub's placeholder creation date instead of a real one?
-- Models imported before March 2022 all have createdAt 2022-03-02 23:29; the warehouse flags them
-- and keeps them out of release_year and the release charts, since the date is not a release.
select
    model_id,
    author,
    category,
    created_at,
    downloads,
    likes,
from marts.models
where is_created_at_placeholder
order by downloads desc
limit 25
