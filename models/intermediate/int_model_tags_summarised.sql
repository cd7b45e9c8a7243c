-- A view read once, by `models`: each model's newest observation with the attributes its tags
-- give. Each attribute is taken from the model's own tag list with list functions: no unnest
-- and no group by. Grouping the 19M classified tags of a 1M-model snapshot took 6.6 s, and
-- its list aggregates cannot spill, so at 2M real-shaped models the build ran out of memory.
-- The observation's other columns pass through, so that `models` needs no join of millions
-- of rows back to them (at 3M models that join spilled: 54 s). The prefixes are those of
-- int_model_tags_classified, and both read the relations from the seed `derivations`.
with

models as (

    select * from {{ ref('int_models_deduplicated') }}

),

-- One row: the language codes as a list, probed per tag below. (A constant regular expression
-- would be faster, but the codes come from a seed, and a pattern that is not a constant is
-- compiled again for every row.)
languages as (

    select list(language_code) as language_codes from {{ ref('languages') }}

),

-- One row, for the same reason: the relations a `base_model:<relation>:<id>` tag can name.
relations as (

    select list(derivation) as relation_names from {{ ref('derivations') }}
    where is_base_model_relation

),

-- The tags that give each attribute, in list order; a tag listed twice counts once.
tag_groups as (

    select
        models.*,
        list_filter(models.tags, tag -> starts_with(tag, 'license:')) as license_tags,
        list_filter(models.tags, tag -> starts_with(tag, 'base_model:')) as base_model_tags,
        list_filter(models.tags, tag -> starts_with(tag, 'arxiv:')) as arxiv_tags,
        list_filter(
            models.tags,
            tag -> not contains(tag, ':') and list_contains(languages.language_codes, tag)
        ) as language_tags,
    from models
    cross join languages

),

-- A fine-tune lists its base twice (`base_model:x` and `base_model:finetune:x`); the entry
-- that names a relation is the more informative one. It is looked for among the base model
-- tags only: probing every tag for a relation cost more than the regular expression it replaced.
firsts as (

    select
        tag_groups.* exclude (license_tags, base_model_tags),  -- noqa: RF02
        tag_groups.license_tags[1][length('license:') + 1:] as license,
        list_filter(
            tag_groups.base_model_tags,
            tag -> contains(tag[length('base_model:') + 1:], ':')
            and list_contains(relations.relation_names, split_part(tag, ':', 2))
        )[1][length('base_model:') + 1:] as related_base_model,
        tag_groups.base_model_tags[1][length('base_model:') + 1:] as any_base_model,
    from tag_groups
    cross join relations

),

final as (

    select
        * exclude (related_base_model, any_base_model, arxiv_tags, language_tags),
        coalesce(
            related_base_model[strpos(related_base_model, ':') + 1:], any_base_model
        ) as base_model,
        split_part(related_base_model, ':', 1) as base_model_relation,
        list_transform(
            list_filter(arxiv_tags, (tag, i) -> list_position(arxiv_tags, tag) = i),
            tag -> tag[length('arxiv:') + 1:]
        ) as arxiv_ids,
        list_filter(
            language_tags, (tag, i) -> list_position(language_tags, tag) = i
        ) as languages,
    from firsts

)

select * from final
