namespace OnnxVideo.Training.FewShot;

/// <summary>What <see cref="FewShotPrototypes.WriteModelAsync"/> wrote: the model, its classes and the support clips per class.</summary>
public sealed record FewShotResult(string ModelPath, IReadOnlyList<string> Classes, IReadOnlyList<int> ShotsPerClass, int FeatureLength, FewShotMetric Metric);
