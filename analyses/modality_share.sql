-- Question: what share of models, and of downloads, does each modality have?
-- Each model counts once, with its newest observation. Models without a category (the author
-- set no pipeline tag) have no modality; the legend names them "No category".
select
    modality_legend.modality_label as modality,
    count(*) as model_count,
    round(count(*) * 100 / sum(count(*)) over (), 1) as pct_of_models,
    sum(models.downloads) as total_downloads,
    round(sum(models.downloads) * 100 / sum(sum(models.downloads)) over (), 1) as pct_of_downloads,
from marts.models
left join marts.modality_legend
    on models.modality is not distinct from modality_legend.modality
group by all
order by model_count desc
