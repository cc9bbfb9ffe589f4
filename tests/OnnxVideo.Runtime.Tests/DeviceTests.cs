using OnnxVideo.Ort;

namespace OnnxVideo.Runtime.Tests;

[Collection(VideoCollection.Name)]
public sealed class DeviceTests(VideoFixture videos)
{
    [WithoutCudaFact]
    public async Task Auto_falls_back_to_the_cpu_and_says_why_when_no_gpu_provider_can_be_loaded()
    {
        await using var classifier = new VideoClassifier(new VideoClassifierOptions { ModelPath = videos.ModelPath, Device = InferenceDevice.Auto, WarmUp = false });
        Assert.StartsWith("Cpu", classifier.ExecutionProvider);
        Assert.Contains("Cuda not used", classifier.ExecutionProvider);
        var result = await classifier.ClassifyFramesAsync(SyntheticFrames.Create("auto", 3));
        Assert.True(result.Succeeded);
    }

    [WithoutCudaFact]
    public void An_explicit_gpu_device_without_its_provider_library_is_a_typed_error()
    {
        var e = Assert.Throws<ExecutionProviderUnavailableException>(() =>
            new VideoClassifier(new VideoClassifierOptions { ModelPath = videos.ModelPath, Device = InferenceDevice.Cuda }));
        Assert.Equal(ExecutionProvider.Cuda, e.Provider);
        Assert.Contains("Cuda execution provider", e.Message);
    }
}
