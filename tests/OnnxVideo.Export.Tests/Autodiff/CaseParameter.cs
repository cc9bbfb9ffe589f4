namespace OnnxVideo.Export.Tests.Autodiff;

/// <summary>A trainable input of a gradient-check case and the values it is checked at.</summary>
internal sealed record CaseParameter(string Name, long[] Shape, double[] Values);
