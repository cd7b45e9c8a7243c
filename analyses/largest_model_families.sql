-- Question: which model families are largest, and do derivatives outdo their root?
-- A family is a root model and everything derived from it along single-parent base_model
-- edges (a merge of several bases starts its own family). The root may not be in the sample:
-- then it is known only by name and its own downloads are null.
select
    root_model_id,
    is_root_observed,
    root_modality,
    family_size,
    max_depth,
    finetune_count,
    quantized_count,
    adapter_count,
    merge_count,
    root_downloads,
    family_downloads,
    round(root_share_of_family_downloads * 100, 1) as root_pct_of_family_downloads,
from marts.family_summary
order by family_size desc, family_downloads desc
limit 15
