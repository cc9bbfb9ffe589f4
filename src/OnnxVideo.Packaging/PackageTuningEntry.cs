using OnnxVideo.Packaging.Tuning;

namespace OnnxVideo.Packaging;

/// <summary>The tuning strategy a package was compiled with, its head, and its LoRA adapters (empty otherwise).</summary>
internal sealed record PackageTuningEntry(
    string Spec,
    TuningKind Kind,
    string HeadWeight,
    string? HeadBias,
    IReadOnlyList<LoraAdapter> LoraAdapters);
