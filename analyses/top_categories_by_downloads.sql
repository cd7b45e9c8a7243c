-- Question: which categories (pipeline tags) get the most downloads?
-- Downloads are the Hub's rolling last-30-days count, summed over each category's models. The
-- population is whatever the snapshots sampled (see snapshot_samples.sql): on the default
-- request that is the 1000 models trending today, not the whole Hub.
select
    category,
    modality,
    model_count,
    total_downloads,
    round(share_of_downloads * 100, 1) as pct_of_downloads,
    median_downloads,
from marts.category_popularity
order by total_downloads desc
limit 15
