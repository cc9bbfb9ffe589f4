namespace OnnxVideo.Training.Metrics;

/// <summary>Precision, recall and F1 of one class (0 when undefined), and how many clips truly belong to it.</summary>
public sealed record ClassMetrics(string Name, double Precision, double Recall, double F1, int Support);
