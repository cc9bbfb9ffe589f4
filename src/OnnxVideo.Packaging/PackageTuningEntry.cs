using OnnxVideo.Packaging.Tuning;

namespace OnnxVideo.Packaging;

/// <summary>
/// The tuning strategy a package was compiled with, its head, its LoRA adapters (empty otherwise), its bottleneck
/// adapters and its prompt tokens (null in packages written before those existed, or without them).
/// </summary>
public sealed record PackageTuningEntry(
    string Spec,
    TuningKind Kind,
    string HeadWeight,
    string? HeadBias,
    IReadOnlyList<LoraAdapter> LoraAdapters,
    IReadOnlyList<BottleneckAdapter>? Adapters = null,
    PromptTokens? Prompts = null);
