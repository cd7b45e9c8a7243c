-- Question: what share of models, and of downloads, does each modality have?
-- Each model counts once, with its newest observation. Models without a category (the author
-- set no pipeline tag) have no modality and are shown as "uncategorised".
select
    coalesce(modality, 'uncategorised') as modality,
    count(*) as model_count,
    round(count(*) * 100 / sum(count(*)) over (), 1) as pct_of_models,
    sum(downloads) as total_downloads,
    round(sum(downloads) * 100 / sum(sum(downloads)) over (), 1) as pct_of_downloads,
from marts.models
group by all
order by model_count desc
