"""Deterministic generator of realistic ``GET https://huggingface.co/api/models`` responses.

For benchmarks only: it lets the warehouse be loaded with a full-Hub-sized catalogue (millions of
models) without network access.

    python -m bench.generate --models 1000000 --out /tmp/gen1m.json [--seed 0]
        [--snapshot-date 2025-12-01] [--format array|ndjson] [--drift K]

Contract
- Deterministic: the same arguments give a byte-identical file.
- Prefix-stable: model ``i`` depends only on (seed, i, snapshot date, drift), never on ``--models``,
  so a run with more models extends a run with fewer (same ids, same objects).
- Streaming: models are drawn CHUNK at a time with vectorised numpy calls and written at once, so
  memory stays constant whatever ``--models`` is.
- ``--models`` counts distinct models. About 0.05% of them are written twice (an exact duplicate
  object a little later in the stream), as a paginated crawl of the live API does, so the file
  holds slightly more objects than ``--models``.
- ``--drift K``: the same catalogue K days later. Ids, createdAt, tags, pipeline and library are
  unchanged; downloads and likes only grow with K (monotone, from a per-model growth rate drawn
  once) and trendingScore is re-drawn for the later day. Several K on the same seed therefore
  give a consistent series of snapshots with realistic overlap. For models that are new in the
  later snapshot, also raise ``--models``: the extra models' createdAt fall anywhere before the
  snapshot date (kept simple), not only within the K days.

Shapes were derived once by inspecting ``../shared/data/hf_models_2025-12-01.json`` (key order,
absent keys, tag order, ``_id`` layout, placeholder ``createdAt``); the mixes that the
trending-biased fixture gets wrong for a full crawl (pipeline tags, downloads, likes,
trendingScore, age) are approximations of Hub-wide figures. The fixture is not read at
generation time.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import math
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Part of the determinism contract: chunk k is seeded by (seed, k), so changing CHUNK changes
# every byte of the output.
CHUNK = 16_384
# Names come from a bijection of the model index onto [0, 2**NAME_BITS), which is what makes
# every id unique without remembering the ids already written.
NAME_BITS = 25
MAX_MODELS = 1 << NAME_BITS

# The Hub stamps every model imported before its March 2022 migration with these instants; the
# first 8 hex digits of such a model's ``_id`` (a MongoDB ObjectId) encode the same second.
PLACEHOLDER_EPOCHS = (1646263744, 1646263745)  # 2022-03-02T23:29:04Z / :05Z
PLACEHOLDER_P = 0.03
PLACEHOLDER_05_P = 0.75  # the fixture has 42 at :05 against 13 at :04
FIRST_REAL_EPOCH = PLACEHOLDER_EPOCHS[1] + 1
# Uploads grow roughly exponentially; a doubling time of ~10 months puts ~20x more models in the
# last month of 2025 than in the first month after the migration.
GROWTH_TAU_DAYS = 438.0
DAY = 86_400

PIPELINE_ABSENT_P = 0.20
# Given the pipeline, P(library_name absent). The fixture shows the two absences are correlated
# (129 of 206 models without a pipeline also lack a library); 0.6 and 0.1625 give ~12% without
# either and ~25% without a library overall.
LIBRARY_ABSENT_GIVEN_NO_PIPELINE = 0.60
LIBRARY_ABSENT_GIVEN_PIPELINE = 0.1625
DUPLICATE_P = 0.0005
DUPLICATE_MAX_GAP = 200
FLOAT_TRENDING_P = 0.001
GIANT_MULTILINGUAL_P = 0.003

# The tables below are laid out by hand; one item per line would hide their shape.
# fmt: off
# Full-Hub mix of pipeline_tag among models that have one (relative weights, ~50 tags). The
# fixture over-represents fresh generative models; a full crawl has many more classifiers and
# deep-RL-course agents.
PIPELINES: tuple[tuple[str, str, float], ...] = (
    # (pipeline_tag, family, weight)
    ("text-generation", "llm", 28.0),
    ("text-classification", "nlp", 9.5),
    ("text-to-image", "diffusion", 6.5),
    ("reinforcement-learning", "rl", 5.0),
    ("automatic-speech-recognition", "audio", 4.5),
    ("token-classification", "nlp", 3.5),
    ("image-classification", "vision", 3.5),
    ("text2text-generation", "llm", 3.0),
    ("image-text-to-text", "llm", 3.0),
    ("feature-extraction", "nlp", 2.8),
    ("sentence-similarity", "nlp", 2.5),
    ("fill-mask", "nlp", 2.0),
    ("question-answering", "nlp", 1.6),
    ("translation", "nlp", 1.5),
    ("text-to-speech", "audio", 1.2),
    ("summarization", "nlp", 1.0),
    ("object-detection", "vision", 1.0),
    ("image-to-image", "diffusion", 0.9),
    ("robotics", "rl", 0.8),
    ("audio-classification", "audio", 0.7),
    ("image-to-text", "vision", 0.7),
    ("image-segmentation", "vision", 0.6),
    ("text-to-video", "diffusion", 0.4),
    ("image-to-video", "diffusion", 0.4),
    ("text-to-audio", "audio", 0.4),
    ("zero-shot-classification", "nlp", 0.3),
    ("unconditional-image-generation", "diffusion", 0.3),
    ("tabular-classification", "tabular", 0.25),
    ("time-series-forecasting", "tabular", 0.25),
    ("video-classification", "vision", 0.25),
    ("any-to-any", "llm", 0.2),
    ("audio-to-audio", "audio", 0.2),
    ("zero-shot-image-classification", "vision", 0.2),
    ("image-feature-extraction", "vision", 0.2),
    ("text-ranking", "nlp", 0.15),
    ("depth-estimation", "vision", 0.12),
    ("tabular-regression", "tabular", 0.1),
    ("audio-text-to-text", "llm", 0.1),
    ("visual-question-answering", "vision", 0.08),
    ("video-text-to-text", "llm", 0.08),
    ("document-question-answering", "vision", 0.06),
    ("mask-generation", "vision", 0.06),
    ("image-to-3d", "diffusion", 0.06),
    ("other", "misc", 0.05),
    ("table-question-answering", "nlp", 0.04),
    ("zero-shot-object-detection", "vision", 0.04),
    ("voice-activity-detection", "audio", 0.03),
    ("text-to-3d", "diffusion", 0.03),
    ("graph-ml", "misc", 0.03),
    ("visual-document-retrieval", "vision", 0.03),
    ("video-to-video", "diffusion", 0.03),
    ("keypoint-detection", "vision", 0.02),
)
# Which kind of repo a model without pipeline_tag is: mostly GGUF dumps, adapters, ComfyUI files
# and bare "test" uploads.
ABSENT_FAMILIES: tuple[tuple[str, float], ...] = (
    ("llm", 0.45),
    ("diffusion", 0.20),
    ("nlp", 0.08),
    ("misc", 0.27),
)


@dataclass(frozen=True)
class Family:
    """Everything that makes e.g. a speech model's name and tags look like a speech model's."""

    stems: tuple[tuple[str, str | None, str | None], ...]  # (name stem, base model id, arch tag)
    descs: tuple[str, ...]
    variants: tuple[str, ...]  # must be distinct: they take part in the unique-name bijection
    libraries: tuple[tuple[str, float], ...]
    misc_tags: tuple[tuple[str, float], ...]
    lang_p: float
    dataset_p: float
    finetune_p: float


FAMILIES: dict[str, Family] = {
    "llm": Family(
        stems=(
            ("Llama-3.1-8B", "meta-llama/Llama-3.1-8B-Instruct", "llama"),
            ("Meta-Llama-3-8B", "meta-llama/Meta-Llama-3-8B", "llama"),
            ("Llama-3.2-1B", "meta-llama/Llama-3.2-1B-Instruct", "llama"),
            ("Qwen2.5-7B", "Qwen/Qwen2.5-7B-Instruct", "qwen2"),
            ("Qwen2.5-0.5B", "Qwen/Qwen2.5-0.5B-Instruct", "qwen2"),
            ("Qwen3-4B", "Qwen/Qwen3-4B", "qwen3"),
            ("Qwen3-0.6B", "Qwen/Qwen3-0.6B", "qwen3"),
            ("Qwen2.5-VL-7B", "Qwen/Qwen2.5-VL-7B-Instruct", "qwen2_5_vl"),
            ("Mistral-7B", "mistralai/Mistral-7B-v0.1", "mistral"),
            ("Mistral-Nemo-12B", "mistralai/Mistral-Nemo-Instruct-2407", "mistral"),
            ("gemma-2-9b", "google/gemma-2-9b-it", "gemma2"),
            ("gemma-3-4b", "google/gemma-3-4b-it", "gemma3"),
            ("Phi-3-mini", "microsoft/Phi-3-mini-4k-instruct", "phi3"),
            ("TinyLlama-1.1B", "TinyLlama/TinyLlama-1.1B-Chat-v1.0", "llama"),
            ("gpt2", "openai-community/gpt2", "gpt2"),
            ("SmolLM2-360M", "HuggingFaceTB/SmolLM2-360M-Instruct", "llama"),
            ("DeepSeek-R1-Distill-Qwen-1.5B", "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", "qwen2"),
            ("flan-t5-base", "google/flan-t5-base", "t5"),
            ("opt-125m", "facebook/opt-125m", "opt"),
            ("pythia-160m", "EleutherAI/pythia-160m", "gpt_neox"),
        ),
        descs=(
            "Instruct", "chat", "sft", "dpo", "finetuned", "alpaca", "math", "code", "roleplay",
            "uncensored", "abliterated", "reasoning", "distill", "orpo", "grpo", "medical",
            "legal", "ko", "ja", "tr",
        ),
        variants=("", "-GGUF", "-i1-GGUF", "-v2", "-lora", "-AWQ", "-GPTQ", "-4bit", "-merged",
                  "-mlx"),
        libraries=(("transformers", 0.80), ("peft", 0.09), ("mlx", 0.04), ("vllm", 0.02),
                   ("transformers.js", 0.01), ("llama.cpp", 0.01), ("pytorch", 0.03)),
        misc_tags=(("conversational", 0.55), ("generated_from_trainer", 0.15), ("trl", 0.15),
                   ("sft", 0.10), ("unsloth", 0.10), ("custom_code", 0.04), ("chat", 0.05)),
        lang_p=0.45,
        dataset_p=0.15,
        finetune_p=0.45,
    ),
    "nlp": Family(
        stems=(
            ("bert-base-uncased", "google-bert/bert-base-uncased", "bert"),
            ("bert-base-multilingual-cased", "google-bert/bert-base-multilingual-cased", "bert"),
            ("distilbert-base-uncased", "distilbert/distilbert-base-uncased", "distilbert"),
            ("roberta-base", "FacebookAI/roberta-base", "roberta"),
            ("xlm-roberta-base", "FacebookAI/xlm-roberta-base", "xlm-roberta"),
            ("deberta-v3-base", "microsoft/deberta-v3-base", "deberta-v2"),
            ("all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2", "bert"),
            ("bge-small-en", "BAAI/bge-small-en-v1.5", "bert"),
            ("e5-base", "intfloat/e5-base-v2", "bert"),
            ("t5-small", "google-t5/t5-small", "t5"),
            ("bart-large", "facebook/bart-large", "bart"),
            ("electra-small", "google/electra-small-discriminator", "electra"),
            ("albert-base-v2", "albert/albert-base-v2", "albert"),
            ("mpnet-base", "microsoft/mpnet-base", "mpnet"),
            ("ModernBERT-base", "answerdotai/ModernBERT-base", "modernbert"),
            ("opus-mt-en-de", "Helsinki-NLP/opus-mt-en-de", "marian"),
        ),
        descs=(
            "finetuned-imdb", "finetuned-sst2", "ner", "squad", "emotion", "sentiment",
            "finetuned-mrpc", "tweet-eval", "cola", "news-classifier", "spam-detector",
            "embeddings", "qa", "pos-tagging", "toxicity", "summarizer", "nli", "reranker",
        ),
        variants=("", "-v2", "-onnx", "-large", "-small", "-multilingual"),
        libraries=(("transformers", 0.74), ("sentence-transformers", 0.18), ("setfit", 0.03),
                   ("transformers.js", 0.02), ("flair", 0.01), ("spacy", 0.02)),
        misc_tags=(("generated_from_trainer", 0.45), ("model-index", 0.30),
                   ("autogenerated-modelcard", 0.05), ("text-embeddings-inference", 0.08)),
        lang_p=0.50,
        dataset_p=0.35,
        finetune_p=0.55,
    ),
    "diffusion": Family(
        stems=(
            ("stable-diffusion-v1-5", "stable-diffusion-v1-5/stable-diffusion-v1-5",
             "StableDiffusionPipeline"),
            ("sdxl", "stabilityai/stable-diffusion-xl-base-1.0", "StableDiffusionXLPipeline"),
            ("flux-dev", "black-forest-labs/FLUX.1-dev", "FluxPipeline"),
            ("Qwen-Image", "Qwen/Qwen-Image", "QwenImagePipeline"),
            ("Wan2.1-T2V", "Wan-AI/Wan2.1-T2V-14B", "WanPipeline"),
            ("sd-turbo", "stabilityai/sd-turbo", "StableDiffusionPipeline"),
            ("ddpm-cifar10", "google/ddpm-cifar10-32", "DDPMPipeline"),
            ("Z-Image-Turbo", "Tongyi-MAI/Z-Image-Turbo", "ZImagePipeline"),
        ),
        descs=(
            "dreambooth", "anime", "portrait", "style", "textual-inversion", "pixel-art",
            "realistic", "sketch", "product-photo", "character", "landscape", "cyberpunk",
            "watercolor", "logo",
        ),
        variants=("", "-lora", "-v2", "-fp8", "-GGUF", "-xl"),
        libraries=(("diffusers", 0.82), ("diffusion-single-file", 0.12), ("comfyUI", 0.02),
                   ("stable-diffusion", 0.04)),
        misc_tags=(("stable-diffusion", 0.35), ("stable-diffusion-diffusers", 0.25),
                   ("comfyui", 0.10), ("image-generation", 0.10), ("not-for-all-audiences", 0.03)),
        lang_p=0.15,
        dataset_p=0.05,
        finetune_p=0.60,
    ),
    "audio": Family(
        stems=(
            ("whisper-small", "openai/whisper-small", "whisper"),
            ("whisper-large-v3", "openai/whisper-large-v3", "whisper"),
            ("wav2vec2-base", "facebook/wav2vec2-base", "wav2vec2"),
            ("wav2vec2-xls-r-300m", "facebook/wav2vec2-xls-r-300m", "wav2vec2"),
            ("speecht5_tts", "microsoft/speecht5_tts", "speecht5"),
            ("mms-tts", "facebook/mms-tts-eng", "vits"),
            ("hubert-base", "facebook/hubert-base-ls960", "hubert"),
            ("ast-audioset", "MIT/ast-finetuned-audioset-10-10-0.4593",
             "audio-spectrogram-transformer"),
            ("musicgen-small", "facebook/musicgen-small", "musicgen"),
        ),
        descs=(
            "common-voice", "librispeech", "hindi", "swahili", "arabic", "fleurs", "finetuned",
            "tts-vctk", "kws", "speaker-id", "gtzan", "esc50", "singing", "accent",
        ),
        variants=("", "-v2", "-ft", "-large", "-onnx"),
        libraries=(("transformers", 0.72), ("speechbrain", 0.07), ("nemo", 0.05),
                   ("pyannote-audio", 0.05), ("espnet", 0.06), ("coqui", 0.03),
                   ("transformers.js", 0.02)),
        misc_tags=(("generated_from_trainer", 0.40), ("audio", 0.25), ("model-index", 0.25),
                   ("hf-asr-leaderboard", 0.05)),
        lang_p=0.65,
        dataset_p=0.40,
        finetune_p=0.55,
    ),
    "vision": Family(
        stems=(
            ("vit-base-patch16-224", "google/vit-base-patch16-224", "vit"),
            ("resnet-50", "microsoft/resnet-50", "resnet"),
            ("convnext-tiny", "facebook/convnext-tiny-224", "convnext"),
            ("detr-resnet-50", "facebook/detr-resnet-50", "detr"),
            ("yolov8n", "Ultralytics/YOLOv8", "yolo"),
            ("swin-tiny", "microsoft/swin-tiny-patch4-window7-224", "swin"),
            ("segformer-b0", "nvidia/mit-b0", "segformer"),
            ("clip-vit-base-patch32", "openai/clip-vit-base-patch32", "clip"),
            ("dinov2-small", "facebook/dinov2-small", "dinov2"),
            ("blip-image-captioning", "Salesforce/blip-image-captioning-base", "blip"),
            ("efficientnet-b0", "google/efficientnet-b0", "efficientnet"),
            ("sam-vit-base", "facebook/sam-vit-base", "sam"),
        ),
        descs=(
            "finetuned-eurosat", "food101", "cifar10", "beans", "plant-disease", "xray",
            "fashion-mnist", "cats-vs-dogs", "coco", "face-detection", "license-plate",
            "satellite", "skin-lesion", "document-layout",
        ),
        variants=("", "-v2", "-onnx", "-finetuned", "-int8"),
        libraries=(("transformers", 0.55), ("timm", 0.15), ("ultralytics", 0.12), ("keras", 0.04),
                   ("fastai", 0.04), ("open_clip", 0.03), ("transformers.js", 0.02),
                   ("pytorch", 0.05)),
        misc_tags=(("generated_from_trainer", 0.40), ("vision", 0.15), ("model-index", 0.25),
                   ("image-classification", 0.05)),
        lang_p=0.05,
        dataset_p=0.35,
        finetune_p=0.55,
    ),
    "rl": Family(
        stems=(
            ("ppo-LunarLander-v2", None, None),
            ("dqn-SpaceInvadersNoFrameskip-v4", None, None),
            ("a2c-PandaReachDense-v3", None, None),
            ("ppo-Huggy", None, None),
            ("Reinforce-CartPole-v1", None, None),
            ("q-FrozenLake-v1-4x4-noSlippery", None, None),
            ("q-Taxi-v3", None, None),
            ("ppo-SnowballTarget", None, None),
            ("ppo-PyramidsRND", None, None),
            ("sac-HalfCheetah-v3", None, None),
            ("poca-SoccerTwos", None, None),
            ("act-so100-pick-place", "lerobot/act_aloha_sim_transfer_cube_human", None),
        ),
        descs=(
            "unit1", "unit2", "unit3", "unit4", "test", "final", "best", "run", "course",
            "trained", "deep-rl", "baseline",
        ),
        variants=("",),
        libraries=(("stable-baselines3", 0.55), ("ml-agents", 0.20), ("sample-factory", 0.10),
                   ("lerobot", 0.10), ("pytorch", 0.05)),
        misc_tags=(("deep-reinforcement-learning", 0.80), ("model-index", 0.70),
                   ("custom-implementation", 0.20), ("deep-rl-class", 0.30)),
        lang_p=0.0,
        dataset_p=0.05,
        finetune_p=0.02,
    ),
    "tabular": Family(
        stems=(
            ("xgboost-classifier", None, None),
            ("sklearn-logreg", None, None),
            ("chronos-t5-small", "amazon/chronos-t5-small", "t5"),
            ("timesfm", "google/timesfm-1.0-200m", None),
            ("random-forest", None, None),
            ("lightgbm-regressor", None, None),
            ("autogluon", None, None),
        ),
        descs=(
            "titanic", "housing", "iris", "credit-risk", "churn", "energy", "sales-forecast",
            "wine-quality", "diabetes", "electricity", "traffic", "weather",
        ),
        variants=("", "-v2"),
        libraries=(("sklearn", 0.50), ("keras", 0.15), ("chronos-forecasting", 0.10),
                   ("transformers", 0.10), ("skops", 0.10), ("pytorch", 0.05)),
        misc_tags=(("skops", 0.15), ("tabular", 0.30), ("time-series", 0.10)),
        lang_p=0.0,
        dataset_p=0.15,
        finetune_p=0.10,
    ),
    "misc": Family(
        stems=(
            ("my-model", None, None),
            ("test-model", None, None),
            ("checkpoint", None, None),
            ("model", None, None),
            ("experiment", None, None),
            ("backup", None, None),
            ("weights", None, None),
            ("demo", None, None),
        ),
        descs=("test", "tmp", "final", "local", "colab", "trial", "baseline", "exp", "new", "old"),
        variants=("", "-v2", "-backup"),
        libraries=(("transformers", 0.35), ("pytorch", 0.20), ("keras", 0.15), ("onnx", 0.10),
                   ("tf-keras", 0.05), ("PyTorch", 0.15)),
        misc_tags=(("tensorboard", 0.10), ("not-for-all-audiences", 0.02),
                   ("model_hub_mixin", 0.05), ("pytorch_model_hub_mixin", 0.05)),
        lang_p=0.10,
        dataset_p=0.03,
        finetune_p=0.15,
    ),
}

# Relative frequency of language tags on the Hub: English dominates.
LANGS: tuple[tuple[str, float], ...] = (
    ("en", 50.0), ("zh", 6.0), ("fr", 4.0), ("de", 4.0), ("es", 4.0), ("ru", 3.0), ("ja", 3.0),
    ("ko", 3.0), ("ar", 2.5), ("multilingual", 2.0), ("hi", 2.0), ("pt", 2.0), ("it", 2.0),
    ("vi", 1.5), ("tr", 1.5), ("id", 1.5), ("nl", 1.0), ("pl", 1.0), ("sv", 1.0), ("fa", 1.0),
    ("uk", 1.0), ("th", 1.0), ("bn", 1.0), ("sw", 0.5), ("he", 0.5), ("el", 0.5), ("cs", 0.5),
    ("ro", 0.5), ("da", 0.5), ("fi", 0.5), ("hu", 0.5), ("ms", 0.5), ("ta", 0.5), ("ur", 0.5),
)
# Massively multilingual models (whisper, mms, nllb) list dozens to hundreds of language tags.
ALL_LANGS: tuple[str, ...] = (
    "en", "zh", "de", "es", "ru", "ko", "fr", "ja", "pt", "tr", "pl", "ca", "nl", "ar", "sv", "it",
    "id", "hi", "fi", "vi", "he", "uk", "el", "ms", "cs", "ro", "da", "hu", "ta", "no", "th", "ur",
    "hr", "bg", "lt", "la", "mi", "ml", "cy", "sk", "te", "fa", "lv", "bn", "sr", "az", "sl", "kn",
    "et", "mk", "br", "eu", "is", "hy", "ne", "mn", "bs", "kk", "sq", "sw", "gl", "mr", "pa", "si",
    "km", "sn", "yo", "so", "af", "oc", "ka", "be", "tg", "sd", "gu", "am", "yi", "lo", "uz", "fo",
    "ht", "ps", "tk", "nn", "mt", "sa", "lb", "my", "bo", "tl", "mg", "as", "tt", "haw", "ln",
    "ha", "ba", "jw", "su", "yue", "ace", "acm", "acq", "aeb", "ajp", "aka", "als", "apc", "arb",
    "ars", "ary", "arz", "ast", "awa", "ayr", "azb", "azj", "bak", "bam", "ban", "bel", "bem",
    "ben", "bho", "bjn", "bod", "bos", "bug", "bul", "cat", "ceb", "ces", "cjk", "ckb", "crh",
    "cym", "dan", "deu", "dik", "dyu", "dzo", "ell", "eng", "epo", "est", "eus", "ewe", "fao",
    "fij", "fin", "fon", "fra", "fur", "fuv", "gaz", "gla", "gle", "glg", "grn", "guj", "hat",
    "hau", "heb", "hin", "hne", "hrv", "hun", "hye", "ibo", "ilo", "ind", "isl", "ita", "jav",
    "jpn", "kab", "kac", "kam", "kan", "kas", "kat", "kaz", "kbp", "kea", "khk", "khm",
)
LICENSES: tuple[tuple[str, float], ...] = (
    ("apache-2.0", 40.0), ("mit", 20.0), ("other", 10.0), ("cc-by-4.0", 5.0),
    ("cc-by-nc-4.0", 5.0), ("llama3.1", 3.0), ("gemma", 3.0), ("openrail", 3.0),
    ("creativeml-openrail-m", 3.0), ("cc-by-sa-4.0", 2.0), ("gpl-3.0", 2.0), ("afl-3.0", 2.0),
    ("bsd-3-clause", 1.0), ("agpl-3.0", 1.0), ("llama2", 1.0), ("cc-by-nc-sa-4.0", 1.0),
    ("unknown", 0.5), ("wtfpl", 0.3), ("cc0-1.0", 0.5),
)
LICENSE_P = 0.75
DATASETS: tuple[str, ...] = (
    "imdb", "glue", "squad", "mozilla-foundation/common_voice_11_0", "HuggingFaceH4/ultrachat_200k",
    "tatsu-lab/alpaca", "Open-Orca/OpenOrca", "cifar10", "food101", "conll2003", "wikitext",
    "openai/gsm8k", "HuggingFaceFW/fineweb-edu", "librispeech_asr", "emotion", "beans",
    "yelp_review_full", "ag_news", "teknium/OpenHermes-2.5", "allenai/c4", "mc4",
    "google/fleurs", "detection-datasets/coco", "HuggingFaceH4/no_robots",
)
# The Hub's model-card template cites this paper, so it is by far the most common arxiv tag.
TEMPLATE_ARXIV = "arxiv:1910.09700"

# The first authors by upload count are real accounts (quantizers, big labs); the long tail is
# synthetic. Author ranks are drawn log-uniformly, i.e. P(rank r) ~ 1/r (Zipf with s = 1).
REAL_AUTHORS: tuple[str, ...] = (
    "mradermacher", "RichardErkhov", "LoneStriker", "bartowski", "unsloth", "QuantFactory",
    "mlx-community", "TheBloke", "Helsinki-NLP", "sentence-transformers", "google", "facebook",
    "microsoft", "nvidia", "Qwen", "meta-llama", "stabilityai", "openai", "deepseek-ai",
    "mistralai", "lmstudio-community", "second-state", "MaziyarPanahi", "DavidAU", "NousResearch",
    "allenai", "BAAI", "intfloat", "sb3", "ThomasSimonini", "HuggingFaceTB", "Xenova",
    "onnx-community", "timm", "apple", "ibm-granite", "tencent", "Tongyi-MAI", "black-forest-labs",
    "Wan-AI", "lerobot", "amazon", "Salesforce", "openbmb", "zai-org", "moonshotai", "baidu",
    "THUDM", "CompVis", "EleutherAI",
)
AUTHOR_POOL = 1 << 20
_HANDLE_HEADS: tuple[str, ...] = (
    "alex", "maria", "john", "wei", "li", "ahmed", "sara", "kim", "raj", "anna", "omar", "yuki",
    "lucas", "elena", "chen", "ivan", "nora", "david", "fatima", "mohamed", "pablo", "laura",
    "tom", "emma", "jun", "hana", "ali", "zara", "leo", "mia", "noah", "ava", "arjun", "priya",
    "kenji", "sofia", "diego", "olga", "felix", "ines", "max", "yara", "liam", "chloe", "ravi",
    "dina", "hugo", "rosa", "ben", "lina", "sam", "nina", "oscar", "vera", "axel", "tara", "igor",
    "luna",
)
_HANDLE_TAILS: tuple[str, ...] = (
    "", "dev", "ai", "ml", "lab", "nlp", "research", "hf", "codes", "x", "_ai", "-ml", "data",
    "bot", "tech", "_dev",
)

# fmt: on


@dataclass(frozen=True)
class Config:
    """Generation parameters shared by every chunk."""

    seed: int
    capture_epoch: int  # instant the base snapshot was taken
    drift: int


def _cumulative(weights: Sequence[float]) -> list[float]:
    total = float(sum(weights))
    cum = list(itertools.accumulate(w / total for w in weights))
    cum[-1] = 1.0  # guard against rounding leaving u in (cum[-1], 1)
    return cum


_FAMILY_NAMES: tuple[str, ...] = tuple(FAMILIES)
_PIPE_TAGS: tuple[str, ...] = tuple(p for p, _, _ in PIPELINES)
_PIPE_FAMILY: tuple[str, ...] = tuple(f for _, f, _ in PIPELINES)
_PIPE_P: np.ndarray = np.array([w for _, _, w in PIPELINES] + [0.0], dtype=np.float64)
_PIPE_P[:-1] *= (1.0 - PIPELINE_ABSENT_P) / _PIPE_P[:-1].sum()
_PIPE_P[-1] = PIPELINE_ABSENT_P
_ABSENT_FAMILY_IDX = np.array([_FAMILY_NAMES.index(f) for f, _ in ABSENT_FAMILIES])
_ABSENT_FAMILY_P = np.array([w for _, w in ABSENT_FAMILIES]) / sum(w for _, w in ABSENT_FAMILIES)
_PIPE_FAMILY_IDX = np.array([_FAMILY_NAMES.index(f) for f in _PIPE_FAMILY])
_LIB_CUM: dict[str, list[float]] = {
    name: _cumulative([w for _, w in fam.libraries]) for name, fam in FAMILIES.items()
}
_LANG_P = np.array([w for _, w in LANGS]) / sum(w for _, w in LANGS)
_LANG_CODES: tuple[str, ...] = tuple(code for code, _ in LANGS)
_LICENSE_CUM = _cumulative([w for _, w in LICENSES])
_LICENSE_TAGS: tuple[str, ...] = tuple(f"license:{name}" for name, _ in LICENSES)
_DATASET_P = 1.0 / np.arange(1, len(DATASETS) + 1)
_DATASET_P /= _DATASET_P.sum()
_DATASET_TAGS: tuple[str, ...] = tuple(f"dataset:{d}" for d in DATASETS)

# Columns of the per-row uniform matrix that the tag builder consumes.
(
    U_FORMAT,
    U_FORMAT2,
    U_MISC,
    U_LANG,
    U_LANG_N,
    U_DATASET,
    U_ARXIV,
    U_ARXIV_N,
    U_BASE,
    U_LICENSE,
    U_AUTOTRAIN,
    U_ENDPOINTS,
    U_TGI,
    U_REGION,
    U_DEPLOY,
    U_LIB,
    U_LIB_ALT,
) = range(17)
N_UNIFORMS = 17


def parse_snapshot_date(text: str) -> int:
    """Epoch second of the capture instant: the last second of the snapshot day (UTC)."""
    day = dt.date.fromisoformat(text)
    start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    return int(start.timestamp()) + DAY - 1


def author_name(rank: int) -> str:
    """Deterministic handle for a Zipf rank (0 = most prolific); injective over the pool."""
    if rank < len(REAL_AUTHORS):
        return REAL_AUTHORS[rank]
    r = rank - len(REAL_AUTHORS)
    head = _HANDLE_HEADS[r % len(_HANDLE_HEADS)]
    r //= len(_HANDLE_HEADS)
    tail = _HANDLE_TAILS[r % len(_HANDLE_TAILS)]
    r //= len(_HANDLE_TAILS)
    # A separator before the number keeps e.g. "alex" + "x" + "1" apart from "alexx1".
    return f"{head}{tail}-{r}" if r else f"{head}{tail}"


def _name_hash(index: np.ndarray, seed: int) -> np.ndarray:
    """A seed-dependent bijection of [0, 2**NAME_BITS) (xor-shift-multiply steps are invertible)."""
    mask = np.uint64(MAX_MODELS - 1)
    x = index.astype(np.uint64) ^ np.uint64((seed * 0x9E3779B1) & (MAX_MODELS - 1))
    for mult, shift in ((0x1A7D3B5, 12), (0x15F4A29, 13), (0x0B5297B, 11)):
        x ^= x >> np.uint64(shift)
        x = (x * np.uint64(mult)) & mask
    x ^= x >> np.uint64(14)
    return x


def model_name(h: int, family: str) -> tuple[str, int, int]:
    """Repo name for name-hash h: mixed-radix digits of h pick stem, descriptor and variant.

    Returns (name, stem index, variant index). Since h is unique per model and stems differ
    across families, names are unique across the whole catalogue.
    """
    fam = FAMILIES[family]
    stem_i = h % len(fam.stems)
    h //= len(fam.stems)
    desc = fam.descs[h % len(fam.descs)]
    h //= len(fam.descs)
    variant_i = h % len(fam.variants)
    num = h // len(fam.variants)
    stem = fam.stems[stem_i][0]
    number = f"-{num}" if num else ""
    return f"{stem}-{desc}{number}{fam.variants[variant_i]}", stem_i, variant_i


def _created_epochs(rng: np.random.Generator, n: int, capture: int) -> np.ndarray:
    """createdAt seconds: exponential growth up to the capture, plus the placeholder stamps."""
    span = capture - FIRST_REAL_EPOCH
    tau = GROWTH_TAU_DAYS * DAY
    u = rng.random(n)
    t = tau * np.log1p(u * math.expm1(span / tau))
    created = FIRST_REAL_EPOCH + np.minimum(t, span).astype(np.int64)
    placeholder = rng.random(n) < PLACEHOLDER_P
    late = rng.random(n) < PLACEHOLDER_05_P
    stamp = np.where(late, PLACEHOLDER_EPOCHS[1], PLACEHOLDER_EPOCHS[0])
    return np.where(placeholder, stamp, created)


def _downloads(rng: np.random.Generator, n: int, star: np.ndarray) -> np.ndarray:
    """Last-30-days downloads: many zeros, a lognormal body and a Pareto tail into the millions.

    ``star`` marks the big accounts, whose uploads are rarely ignored.
    """
    zero = rng.random(n) < np.where(star, 0.15, 0.45)
    body = rng.lognormal(mean=np.where(star, 5.5, 2.5), sigma=2.4)
    tail_hit = rng.random(n) < np.where(star, 0.03, 0.003)
    tail = 2000.0 * (1.0 + rng.pareto(0.8, n))
    dl = np.where(tail_hit, tail, body)
    return np.where(zero, 0, np.minimum(dl, 2e8)).astype(np.int64)


def _likes(rng: np.random.Generator, downloads: np.ndarray) -> np.ndarray:
    """Likes follow downloads loosely (log-log slope ~0.55); three in four models have none."""
    n = downloads.shape[0]
    score = 0.55 * np.log1p(downloads) - 2.2 + rng.normal(0.0, 1.3, n)
    return np.floor(np.expm1(np.clip(score, 0.0, 12.0))).astype(np.int64)


@dataclass
class Draws:
    """Vectorised draws of one chunk (full CHUNK length, so chunk k is the same for every N)."""

    created: np.ndarray
    oid_low: np.ndarray
    author: np.ndarray
    name_hash: np.ndarray
    pipe: np.ndarray  # index into PIPELINES, len(PIPELINES) = absent
    family: np.ndarray
    has_library: np.ndarray
    downloads: np.ndarray
    likes: np.ndarray
    trending: np.ndarray
    uniforms: np.ndarray
    langs: np.ndarray
    datasets: np.ndarray
    arxiv: np.ndarray
    merge_with: np.ndarray
    giant: np.ndarray
    duplicate: np.ndarray
    duplicate_gap: np.ndarray
    float_trending: np.ndarray
    float_digit: np.ndarray


def draw_chunk(cfg: Config, k: int) -> Draws:
    """All random draws of chunk k; only (seed, k, snapshot date, drift) matter."""
    n = CHUNK
    rng = np.random.default_rng([cfg.seed, k, 0])
    index = np.arange(k * n, (k + 1) * n, dtype=np.int64)
    created = _created_epochs(rng, n, cfg.capture_epoch)
    oid_low = rng.integers(0, 2**64, size=n, dtype=np.uint64)
    # log-uniform rank: P(r) ~ 1/r over the pool
    author = np.floor(np.exp(rng.random(n) * math.log(AUTHOR_POOL + 1))).astype(np.int64) - 1
    pipe = rng.choice(len(_PIPE_P), size=n, p=_PIPE_P)
    absent_family = _ABSENT_FAMILY_IDX[
        rng.choice(len(_ABSENT_FAMILY_P), size=n, p=_ABSENT_FAMILY_P)
    ]
    has_pipe = pipe < len(PIPELINES)
    family = np.where(
        has_pipe, _PIPE_FAMILY_IDX[np.minimum(pipe, len(PIPELINES) - 1)], absent_family
    )
    lib_absent_p = np.where(
        has_pipe, LIBRARY_ABSENT_GIVEN_PIPELINE, LIBRARY_ABSENT_GIVEN_NO_PIPELINE
    )
    has_library = rng.random(n) >= lib_absent_p
    star = author < len(REAL_AUTHORS)
    downloads = _downloads(rng, n, star)
    likes = _likes(rng, downloads)
    draws = Draws(
        created=created,
        oid_low=oid_low,
        author=author,
        name_hash=_name_hash(index, cfg.seed),
        pipe=pipe,
        family=family,
        has_library=has_library,
        downloads=downloads,
        likes=likes,
        trending=np.zeros(n, dtype=np.int64),
        uniforms=rng.random((n, N_UNIFORMS)),
        langs=rng.choice(len(LANGS), size=(n, 3), p=_LANG_P),
        datasets=rng.choice(len(DATASETS), size=(n, 2), p=_DATASET_P),
        arxiv=rng.integers(0, 1 << 30, size=(n, 3)),
        merge_with=rng.integers(0, 1 << 30, size=n),
        giant=rng.random(n) < GIANT_MULTILINGUAL_P,
        duplicate=rng.random(n) < DUPLICATE_P,
        duplicate_gap=rng.integers(1, DUPLICATE_MAX_GAP, size=n),
        float_trending=rng.random(n) < FLOAT_TRENDING_P,
        float_digit=rng.integers(1, 10, size=n),
    )
    _apply_drift(cfg, k, draws)
    return draws


def _apply_drift(cfg: Config, k: int, d: Draws) -> None:
    """Grow downloads/likes by cfg.drift days and draw that day's trendingScore.

    Growth rates come from their own stream, independent of the drift, so snapshots with
    increasing drift are monotone per model; drift 0 leaves the base draws untouched.
    """
    n = CHUNK
    days = cfg.drift
    rng = np.random.default_rng([cfg.seed, k, 1])
    dl_growth = np.abs(rng.normal(0.003, 0.004, n))
    dl_trickle = np.where(rng.random(n) < 0.10, rng.exponential(0.3, n), 0.0)
    dl_phase = rng.random(n)
    like_rate = d.likes * np.abs(rng.normal(0.002, 0.002, n)) + np.where(
        rng.random(n) < 0.02, rng.exponential(0.05, n), 0.0
    )
    like_phase = rng.random(n)
    d.downloads = np.floor(
        np.minimum(d.downloads * (1.0 + dl_growth) ** days, 1e9) + days * dl_trickle + dl_phase
    ).astype(np.int64)
    d.likes = d.likes + np.floor(days * like_rate + like_phase).astype(np.int64)
    # trendingScore reflects recent likes, so it is re-drawn for the day of the snapshot.
    trend_rng = np.random.default_rng([cfg.seed, k, 2, days])
    age_days = np.maximum((cfg.capture_epoch + days * DAY - d.created) / DAY, 0.0)
    lam = d.likes * (0.5 * np.exp(-age_days / 7.0) + 0.002)
    d.trending = trend_rng.poisson(np.minimum(lam, 1e7)).astype(np.int64)


def _pick(cum: list[float], u: float) -> int:
    return bisect.bisect_right(cum, u)


def _arxiv_tag(r: int) -> str:
    yy = 15 + r % 11
    r //= 11
    mm = 1 + r % 12
    r //= 12
    return f"arxiv:{yy}{mm:02d}.{r % 20000:05d}"


def build_tags(
    family: str,
    pipeline: str | None,
    library: str | None,
    stem_i: int,
    variant_i: int,
    u: list[float],
    langs: list[int],
    datasets: list[int],
    arxiv: list[int],
    merge_with: int,
    giant: bool,
) -> list[str]:
    """Tag list in the order the Hub emits it.

    library, formats, architecture, pipeline, misc, languages, datasets, arxiv, base_model,
    license, compatibility flags, region, deploy.
    """
    fam = FAMILIES[family]
    _, base, arch = fam.stems[stem_i]
    variant = fam.variants[variant_i]
    tags: list[str] = []
    if library:
        tags.append(library)
    gguf = "GGUF" in variant
    if gguf:
        tags.append("gguf")
    elif family in ("llm", "nlp", "audio", "vision") or u[U_FORMAT] < 0.3:
        if u[U_FORMAT] < 0.25:
            tags.append("pytorch")
        if u[U_FORMAT] > 0.15:
            tags.append("safetensors")
        if u[U_FORMAT2] < 0.05:
            tags += ("tf", "jax")
        if variant == "-onnx" or u[U_FORMAT2] > 0.95:
            tags.append("onnx")
    elif u[U_FORMAT2] < 0.5:
        tags.append("tensorboard" if family in ("rl", "misc") else "safetensors")
    if arch and library in ("transformers", "peft", "mlx", "vllm", "transformers.js"):
        tags.append(arch)
    if pipeline:
        tags.append(pipeline)
    um = u[U_MISC]
    for tag, p in fam.misc_tags:
        # one uniform shared through a hash-like remap keeps the draw count fixed per row
        um = (um * 7.31 + 0.137) % 1.0
        if um < p:
            tags.append(tag)
    if variant == "-lora":
        tags.append("lora")
        if family == "diffusion":
            tags.append("template:diffusion-lora")
    elif variant == "-merged":
        tags += ("mergekit", "merge")
    elif variant == "-i1-GGUF":
        tags.append("imatrix")
    if giant:
        count = 40 + int(u[U_LANG_N] * 80)
        tags += ALL_LANGS[:count]
    elif u[U_LANG] < fam.lang_p:
        count = 1 + (u[U_LANG_N] < 0.3) + (u[U_LANG_N] < 0.1)
        tags += dict.fromkeys(_LANG_CODES[i] for i in langs[:count])
    if u[U_DATASET] < fam.dataset_p:
        count = 1 + (u[U_DATASET] < fam.dataset_p * 0.3)
        tags += dict.fromkeys(_DATASET_TAGS[i] for i in datasets[:count])
    if u[U_ARXIV] < 0.22:
        # mostly one paper; big releases cite a benchmark suite of ~10
        count = 1 + int(u[U_ARXIV_N] < 0.3) + int(u[U_ARXIV_N] < 0.05) * 8
        papers = [_arxiv_tag(arxiv[i % 3] + i * 7919) for i in range(count)]
        if u[U_ARXIV] < 0.07:
            papers[0] = TEMPLATE_ARXIV
        tags += dict.fromkeys(papers)
    tags += _base_model_tags(fam, base, variant, u[U_BASE], merge_with)
    if u[U_LICENSE] < LICENSE_P:
        tags.append(_LICENSE_TAGS[_pick(_LICENSE_CUM, u[U_LICENSE] / LICENSE_P)])
    if library == "transformers":
        if u[U_AUTOTRAIN] < 0.6:
            tags.append("autotrain_compatible")
        if family == "llm" and u[U_TGI] < 0.6:
            tags.append("text-generation-inference")
        if u[U_ENDPOINTS] < 0.8:
            tags.append("endpoints_compatible")
    elif library == "diffusers" and arch:
        tags.append(f"diffusers:{arch}")
    if u[U_REGION] < 0.995:
        tags.append("region:us")
    if library == "transformers" and u[U_DEPLOY] < 0.05:
        tags.append("deploy:azure")
    # a library can also be a format or misc tag (gguf, pytorch, stable-diffusion); the Hub
    # lists each tag once
    return list(dict.fromkeys(tags))


def _base_model_tags(
    fam: Family, base: str | None, variant: str, u: float, merge_with: int
) -> list[str]:
    if base is None:
        return []
    if "GGUF" in variant or variant in ("-AWQ", "-GPTQ", "-4bit", "-fp8", "-int8", "-mlx"):
        relation = "quantized" if u < 0.9 else None
    elif variant == "-lora":
        relation = "adapter" if u < 0.9 else None
    elif variant == "-merged":
        other = fam.stems[merge_with % len(fam.stems)][1]
        if other is None or other == base:
            return [f"base_model:{base}", f"base_model:finetune:{base}"]
        return [
            f"base_model:{base}",
            f"base_model:{other}",
            f"base_model:merge:{base}",
            f"base_model:merge:{other}",
        ]
    else:
        relation = "finetune" if u < fam.finetune_p else None
    if relation is None:
        return []
    return [f"base_model:{base}", f"base_model:{relation}:{base}"]


def render_chunk(cfg: Config, k: int, count: int) -> list[str]:
    """The first ``count`` models of chunk k as JSON object strings (duplicates included)."""
    d = draw_chunk(cfg, k)
    created_iso = np.datetime_as_string(d.created[:count].astype("datetime64[s]"), unit="s")
    lines: list[str] = []
    fam_names = _FAMILY_NAMES
    authors: dict[int, str] = {}
    columns = zip(
        d.created[:count].tolist(),
        created_iso.tolist(),
        d.oid_low[:count].tolist(),
        d.author[:count].tolist(),
        d.name_hash[:count].tolist(),
        d.pipe[:count].tolist(),
        d.family[:count].tolist(),
        d.has_library[:count].tolist(),
        d.downloads[:count].tolist(),
        d.likes[:count].tolist(),
        d.trending[:count].tolist(),
        d.uniforms[:count].tolist(),
        d.langs[:count].tolist(),
        d.datasets[:count].tolist(),
        d.arxiv[:count].tolist(),
        d.merge_with[:count].tolist(),
        d.giant[:count].tolist(),
        d.float_trending[:count].tolist(),
        d.float_digit[:count].tolist(),
        strict=True,
    )
    for (
        created,
        iso,
        oid_low,
        rank,
        h,
        pipe_i,
        fam_i,
        has_lib,
        downloads,
        likes,
        trending,
        u,
        langs,
        datasets,
        arxiv,
        merge_with,
        giant,
        is_float,
        digit,
    ) in columns:
        family = fam_names[fam_i]
        pipeline = _PIPE_TAGS[pipe_i] if pipe_i < len(_PIPE_TAGS) else None
        name, stem_i, variant_i = model_name(h, family)
        library = _library(family, has_lib, variant_i, u)
        author = authors.get(rank)
        if author is None:
            author = authors[rank] = author_name(rank)
        model_id = f"{author}/{name}"
        tags = build_tags(
            family,
            pipeline,
            library,
            stem_i,
            variant_i,
            u,
            langs,
            datasets,
            arxiv,
            merge_with,
            giant,
        )
        # (10 * t + digit) * 0.1 reproduces the binary-float noise seen on the live API,
        # e.g. 34 * 0.1 -> 3.4000000000000004.
        ts = repr((trending * 10 + digit) * 0.1) if is_float else str(trending)
        tag_list = '", "'.join(tags)
        optional = ""
        if pipeline is not None:
            optional += f'"pipeline_tag": "{pipeline}", '
        if library is not None:
            optional += f'"library_name": "{library}", '
        lines.append(
            f'{{"_id": "{created:08x}{oid_low:016x}", "id": "{model_id}", "likes": {likes}, '
            f'"trendingScore": {ts}, "private": false, "downloads": {downloads}, '
            f'"tags": ["{tag_list}"], {optional}"createdAt": "{iso}.000Z", '
            f'"modelId": "{model_id}"}}'
        )
    _insert_duplicates(lines, d.duplicate[:count], d.duplicate_gap[:count])
    return lines


def _library(family: str, has_library: bool, variant_i: int, u: list[float]) -> str | None:
    if not has_library:
        return None
    fam = FAMILIES[family]
    if "GGUF" in fam.variants[variant_i] and u[U_LIB_ALT] < 0.6:
        return "gguf"
    if fam.variants[variant_i] == "-lora" and family == "llm":
        return "peft"
    return fam.libraries[_pick(_LIB_CUM[family], u[U_LIB])][0]


def _insert_duplicates(lines: list[str], duplicate: np.ndarray, gap: np.ndarray) -> None:
    """Re-emit some objects a little later, as a crawl whose pages shift under it does.

    Duplicates stay within their chunk so that chunks remain independent.
    """
    picks = np.flatnonzero(duplicate)
    last = len(lines) - 1
    moves = sorted(((min(int(i) + int(gap[i]), last), lines[i]) for i in picks), reverse=True)
    for target, line in moves:
        lines.insert(target + 1, line)


def iter_lines(cfg: Config, models: int) -> Iterator[list[str]]:
    """Chunks of JSON object strings covering ``models`` distinct models."""
    for k in range(math.ceil(models / CHUNK)):
        yield render_chunk(cfg, k, min(CHUNK, models - k * CHUNK))


def write(cfg: Config, models: int, out: Path, fmt: str = "array") -> int:
    """Stream the catalogue to ``out``; returns the number of objects written."""
    written = 0
    with out.open("w", encoding="ascii", newline="\n") as f:
        if fmt == "array":
            f.write("[")
        for lines in iter_lines(cfg, models):
            if fmt == "ndjson":
                f.write("\n".join(lines))
                f.write("\n")
            else:
                f.write(",\n" if written else "\n")
                f.write(",\n".join(lines))
            written += len(lines)
        if fmt == "array":
            f.write("\n]\n" if written else "]\n")
    return written


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.generate",
        description="Write a deterministic, realistic GET /api/models response (JSON array or "
        "NDJSON) for benchmarks. Same arguments give a byte-identical file.",
    )
    p.add_argument(
        "--models",
        type=int,
        required=True,
        help=f"distinct models to generate (0..{MAX_MODELS}); ~0.05%% more objects "
        "are written because some models appear twice",
    )
    p.add_argument("--out", type=Path, required=True, help="output file")
    p.add_argument("--seed", type=int, default=0, help="catalogue seed (default 0)")
    p.add_argument(
        "--snapshot-date",
        default="2025-12-01",
        help="UTC day the snapshot is taken; createdAt never exceeds its end (default 2025-12-01)",
    )
    p.add_argument(
        "--format",
        choices=("array", "ndjson"),
        default="array",
        help="array: the API's JSON array, one object per line (default); "
        "ndjson: one object per line, no brackets",
    )
    p.add_argument(
        "--drift",
        type=int,
        default=0,
        help="days after the snapshot date: same models, downloads/likes grown, "
        "trendingScore re-drawn (default 0)",
    )
    args = p.parse_args(argv)
    if not 0 <= args.models <= MAX_MODELS:
        p.error(f"--models must be within 0..{MAX_MODELS}")
    if args.seed < 0 or args.drift < 0:
        p.error("--seed and --drift must be >= 0")
    try:
        parse_snapshot_date(args.snapshot_date)
    except ValueError:
        p.error("--snapshot-date must be YYYY-MM-DD")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    cfg = Config(
        seed=args.seed, capture_epoch=parse_snapshot_date(args.snapshot_date), drift=args.drift
    )
    written = write(cfg, args.models, args.out, args.format)
    print(f"wrote {written} objects ({args.models} models) to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
