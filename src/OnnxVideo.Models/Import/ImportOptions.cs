namespace OnnxVideo.Models.Import;

/// <summary>What <see cref="OnnxClassifierImporter.Import"/> does to a foreign classifier graph.</summary>
internal sealed record ImportOptions
{
    /// <summary>Classes of the new head; null keeps the original head and its weights.</summary>
    public int? NewClasses { get; init; }

    /// <summary>Adds the head's input, flattened to [N, F], as an extra graph output named <see cref="FeaturesName"/>.</summary>
    public bool ExposeFeatures { get; init; }

    public string FeaturesName { get; init; } = "features";

    /// <summary>The graph output holding the logits; null means the first graph output.</summary>
    public string? LogitsOutput { get; init; }

    /// <summary>Replaces a fixed batch dimension of the inputs by the symbolic "N" where the graph allows it.</summary>
    public bool MakeBatchSymbolic { get; init; } = true;

    /// <summary>Seed of the new head's random initialisation.</summary>
    public int Seed { get; init; }

    public const string NewHeadWeight = "head.weight";
    public const string NewHeadBias = "head.bias";
}
