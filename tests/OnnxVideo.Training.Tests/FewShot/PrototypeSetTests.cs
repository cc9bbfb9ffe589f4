using OnnxVideo.Training.FewShot;

namespace OnnxVideo.Training.Tests.FewShot;

public sealed class PrototypeSetTests
{
    [Fact]
    public void Cosine_prototypes_average_normalised_features()
    {
        // Class 0: (3, 4) and (0, 2) normalise to (0.6, 0.8) and (0, 1); their mean (0.3, 0.9) normalises to (1, 3)/√10.
        var set = PrototypeSet.Build([[3f, 4f], [0f, 2f], [-1f, 0f]], [0, 0, 1], 2, FewShotMetric.Cosine, scale: 10f);
        Assert.Equal([1 / MathF.Sqrt(10), 3 / MathF.Sqrt(10)], set.Prototypes[0], new ToleranceComparer(1e-6f, 0f));
        Assert.Equal([-1f, 0f], set.Prototypes[1], new ToleranceComparer(1e-6f, 0f));
        // Query (0, 5): cos with class 0 is 3/√10, with class 1 is 0.
        Assert.Equal([30 / MathF.Sqrt(10), 0f], set.Logits([0f, 5f]), new ToleranceComparer(1e-5f, 0f));
        Assert.Equal(0, set.Predict([0f, 5f]));
    }

    [Fact]
    public void Euclidean_logits_are_minus_squared_distances_to_the_mean()
    {
        var set = PrototypeSet.Build([[0f, 0f], [2f, 0f], [0f, 4f]], [0, 0, 1], 2, FewShotMetric.Euclidean);
        Assert.Equal([1f, 0f], set.Prototypes[0]);
        // (1, 1): distance² 1 to (1, 0) and 1 + 9 = 10 to (0, 4).
        Assert.Equal([-1f, -10f], set.Logits([1f, 1f]), new ToleranceComparer(1e-6f, 0f));
        Assert.Equal(1, set.Predict([0f, 3f]));
    }

    [Fact]
    public void A_class_without_support_features_is_refused()
    {
        Assert.Throws<ArgumentException>(() => PrototypeSet.Build([[1f]], [0], 2, FewShotMetric.Cosine));
    }
}
