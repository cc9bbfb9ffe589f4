namespace OnnxVideo.Training.Packages;

/// <summary>One optimizer-state tensor: its graph input name and the output holding its next value.</summary>
public sealed record OptimizerStateTensor(string Name, string Updated);
