using OnnxVideo.Training.Loading;

namespace OnnxVideo.Training.Adversarial;

/// <summary>Clean and robust top-1 of one attack on the same clips (one centre clip per video).</summary>
public sealed record AdversarialEvaluationResult(string Attack, int Clips, double CleanTop1, double RobustTop1, IReadOnlyList<ClipFailure> Failures);
