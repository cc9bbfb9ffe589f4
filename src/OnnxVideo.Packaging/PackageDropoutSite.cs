namespace OnnxVideo.Packaging;

/// <summary>
/// A Dropout of the training graphs, run with a mask computed from the step's dropout_seed input:
/// <paramref name="Output"/> is the dropped-out value, <paramref name="Ratio"/> the drop probability and
/// <paramref name="Salt"/> the site's constant in the mask hash (see the package format in the README).
/// </summary>
internal sealed record PackageDropoutSite(string Output, float Ratio, long Salt);
