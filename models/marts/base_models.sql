-- One row per model some observed model names as its base, observed or not: most bases of a
-- sample are not in it (a trending list holds Llama's fine-tunes, not always Llama).
with

counts as (

    select * from {{ ref('int_lineage_descendant_counts') }}

),

models as (

    select model_id, author, modality, license from {{ ref('models') }}

),

families as (

    select model_id, root_model_id, depth from {{ ref('model_families') }}

),

-- The bases among the observed models, found by probing them against the (fewer) bases: the
-- join below then builds on bases only, never on every model.
observed_bases as (

    select models.* from models
    semi join counts on models.model_id = counts.model_id

),

base_families as (

    select families.* from families
    semi join counts on families.model_id = counts.model_id

),

final as (

    select
        counts.model_id as base_model_id,
        coalesce(
            observed_bases.author,
            case when contains(counts.model_id, '/') then split_part(counts.model_id, '/', 1) end
        ) as author,
        observed_bases.model_id is not null as is_observed,
        observed_bases.modality,
        observed_bases.license,
        -- An unobserved base is the root of its family: its own base is unknown.
        case
            when observed_bases.model_id is null then counts.model_id
            else base_families.root_model_id
        end as root_model_id,
        -- `depth` is a keyword to sqlfluff, but the name the issue and model_families use.
        case
            when observed_bases.model_id is null then 0 else base_families.depth
        end as depth,  -- noqa: RF04
        counts.direct_derivative_count,
        counts.direct_finetune_count,
        counts.direct_quantized_count,
        counts.direct_adapter_count,
        counts.direct_merge_count,
        counts.direct_unspecified_count,
        counts.descendant_count,
        counts.descendant_finetune_count,
        counts.descendant_quantized_count,
        counts.descendant_adapter_count,
        counts.descendant_merge_count,
        counts.descendant_unspecified_count,
    from counts
    left join observed_bases on counts.model_id = observed_bases.model_id
    left join base_families on counts.model_id = base_families.model_id

)

select * from final
