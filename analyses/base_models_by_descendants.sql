-- Question: which base models do the sampled models build on most, and how?
-- Descendants follow every chain of base_model tags (a fine-tune of a fine-tune counts for
-- both), each model once; a base need not be in the sample itself (is_observed).
select
    base_model_id,
    is_observed,
    direct_derivative_count,
    descendant_count,
    descendant_finetune_count,
    descendant_quantized_count,
    descendant_adapter_count,
    descendant_merge_count,
from marts.base_models
order by descendant_count desc, direct_derivative_count desc, base_model_id asc
limit 20
