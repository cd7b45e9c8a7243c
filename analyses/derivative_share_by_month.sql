-- Question: what share of each month's new models are derivatives (fine-tunes, quantizations,
-- adapters, merges)?
-- By creation month (UTC); models with the Hub's placeholder date are left out. A trending
-- sample keeps mostly recent models, so old months hold only those still popular.
select
    release_month,
    month_model_count,
    round(derivative_share_of_month * 100, 1) as pct_derivatives,
    sum(model_count) filter (where derivation = 'finetune') as finetune_models,
    sum(model_count) filter (where derivation = 'quantized') as quantized_models,
    sum(model_count) filter (where derivation = 'adapter') as adapter_models,
    sum(model_count) filter (where derivation = 'merge') as merge_models,
from marts.derivative_share_by_month
where month_model_count > 0
group by release_month, month_model_count, derivative_share_of_month
order by release_month desc
