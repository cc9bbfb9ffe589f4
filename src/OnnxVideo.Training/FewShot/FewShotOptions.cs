namespace OnnxVideo.Training.FewShot;

/// <summary>How <see cref="FewShotPrototypes"/> builds a prototype model.</summary>
public sealed record FewShotOptions
{
    /// <summary>Support clips used per class (a seeded sample); null uses all of them.</summary>
    public int? Shots { get; init; }
    public FewShotMetric Metric { get; init; } = FewShotMetric.Cosine;
    /// <summary>Temperature of the cosine classifier (logits = scale · cos).</summary>
    public float Scale { get; init; } = 10f;
    public string FeaturesOutput { get; init; } = "features";
    public int Seed { get; init; }
}
