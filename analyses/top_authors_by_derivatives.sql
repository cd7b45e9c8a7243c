-- Question: which authors publish the most models, and whose models do others build on?
-- derivatives_of_their_models counts sampled models naming one of the author's models as their
-- base; derivatives_by_others leaves out the author's own.
select
    author,
    model_count,
    total_downloads,
    derivative_model_count,
    derivatives_of_their_models,
    derivatives_by_others,
from marts.authors
order by derivatives_of_their_models desc, model_count desc, author asc
limit 20
