using OnnxVideo.Packaging;

namespace OnnxVideo.Export.Tests.PackageSupport;

/// <summary>
/// Two packages of one model written by two compiler variants must train alike: two steps on ORT with the same
/// clips give the same loss, gradient norm and logits, then the same weights, optimizer state and BatchNorm
/// statistics, and the gradients graph the same loss and gradients.
/// </summary>
internal static class SamePackageSteps
{
    public static void Assert(TrainingPackage expectedPackage, TrainingPackage actualPackage, long[] shape, ToleranceComparer tolerance, int seed = 3)
    {
        var random = new Random(seed);
        var labels = Enumerable.Range(0, (int)shape[0]).Select(i => (long)(i % expectedPackage.Manifest.ClassCount)).ToArray();
        var videos = Enumerable.Range(0, 2).Select(_ => Enumerable.Range(0, (int)shape.Aggregate(1L, (a, d) => a * d))
            .Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()).ToList();
        using var expectedStepper = new PackageStepper(expectedPackage);
        using var actualStepper = new PackageStepper(actualPackage);
        for (var step = 1; step <= 2; step++)
        {
            var expected = expectedStepper.Step(videos[step - 1], shape, labels, 1e-2f, step, clip: 0, dropoutSeed: 7 + step);
            var actual = actualStepper.Step(videos[step - 1], shape, labels, 1e-2f, step, clip: 0, dropoutSeed: 7 + step);
            Xunit.Assert.Equal(expected.Loss, actual.Loss, tolerance);
            Xunit.Assert.Equal(expected.GradientNorm, actual.GradientNorm, tolerance);
            Xunit.Assert.Equal(expected.Logits, actual.Logits, tolerance);
        }
        AssertSame(expectedStepper.Parameters, actualStepper.Parameters, tolerance);
        AssertSame(expectedStepper.State, actualStepper.State, tolerance);
        AssertSame(expectedStepper.Buffers, actualStepper.Buffers, tolerance);
        AssertSameGradients(expectedPackage, actualPackage, videos[0], shape, tolerance);
    }

    private static void AssertSame(Dictionary<string, float[]> expected, Dictionary<string, float[]> actual, ToleranceComparer tolerance)
    {
        Xunit.Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, values) in expected)
        {
            Xunit.Assert.Equal(values, actual[name], tolerance);
        }
    }

    private static void AssertSameGradients(TrainingPackage expectedPackage, TrainingPackage actualPackage, float[] video, long[] shape, ToleranceComparer tolerance)
    {
        var classes = expectedPackage.Manifest.ClassCount;
        var targets = Enumerable.Range(0, (int)shape[0] * classes).Select(i => i % classes == (i / classes) % classes ? 1f : 0f).ToArray();
        var inputs = new Dictionary<string, (Array, long[])> { [expectedPackage.Io.Video] = (video, shape), [expectedPackage.Io.Targets!] = (targets, [shape[0], classes]) };
        if (expectedPackage.Io.DropoutSeed is { } seed)
        {
            inputs[seed] = (new[] { 5L }, []);
        }
        var stored = expectedPackage.ReadTrainable();
        foreach (var p in expectedPackage.Parameters)
        {
            inputs[p.Name] = (stored[p.Name], p.Shape);
        }
        foreach (var b in expectedPackage.Buffers)
        {
            inputs[b.Name] = (stored[b.Name], b.Shape);
        }
        List<string> outputs = [expectedPackage.Io.Loss, .. expectedPackage.Parameters.Select(p => p.Gradient)];
        using var expectedGraph = new OrtModelRunner(expectedPackage.GradientsPath);
        using var actualGraph = new OrtModelRunner(actualPackage.GradientsPath);
        var expected = expectedGraph.Run(inputs, outputs);
        var actual = actualGraph.Run(inputs, outputs);
        foreach (var name in outputs)
        {
            Xunit.Assert.Equal(expected[name], actual[name], tolerance);
        }
    }
}
