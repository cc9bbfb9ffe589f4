using System.Text.Json;

namespace OnnxVideo.Text;

/// <summary>Writes a split's captions.jsonl (the format <see cref="CaptionDataset"/> reads) through a temporary file,
/// so a split with a captions.jsonl is complete.</summary>
internal static class CaptionDatasetWriter
{
    public static string Write(string splitFolder, IEnumerable<(string Video, IReadOnlyList<string> Captions)> clips)
    {
        var file = Path.Join(splitFolder, CaptionDataset.CaptionsFile);
        var temporary = file + ".tmp";
        UserFileException.Guard(file, "cannot write the captions", () =>
        {
            Directory.CreateDirectory(splitFolder);
            using (var stream = File.Create(temporary))
            {
                foreach (var (video, captions) in clips)
                {
                    using (var json = new Utf8JsonWriter(stream))
                    {
                        json.WriteStartObject();
                        json.WriteString("video", video);
                        json.WriteStartArray("captions");
                        foreach (var caption in captions)
                        {
                            json.WriteStringValue(CaptionText.Normalize(caption));
                        }
                        json.WriteEndArray();
                        json.WriteEndObject();
                    }
                    stream.WriteByte((byte)'\n');
                }
            }
            File.Move(temporary, file, overwrite: true);
        });
        return file;
    }
}
