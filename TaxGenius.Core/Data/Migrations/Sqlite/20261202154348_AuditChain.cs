using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaxGenius.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuditChain : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "ApiTokenId",
                table: "AuditEntries",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AuditChainLinks",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    EntryId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Hash = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    SealedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditChainLinks", x => x.Sequence);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_ApiTokenId_At",
                table: "AuditEntries",
                columns: new[] { "ApiTokenId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_SubjectUserId_At",
                table: "AuditEntries",
                columns: new[] { "SubjectUserId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditChainLinks_EntryId",
                table: "AuditChainLinks",
                column: "EntryId",
                unique: true);

            // The chain is append-only in the database too, like the entries it seals.
            migrationBuilder.Sql("""
                CREATE TRIGGER audit_chain_links_no_update BEFORE UPDATE ON "AuditChainLinks"
                BEGIN SELECT RAISE(ABORT, 'AuditChainLinks is append-only'); END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER audit_chain_links_no_delete BEFORE DELETE ON "AuditChainLinks"
                BEGIN SELECT RAISE(ABORT, 'AuditChainLinks is append-only'); END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS audit_chain_links_no_update;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS audit_chain_links_no_delete;");

            migrationBuilder.DropTable(
                name: "AuditChainLinks");

            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_ApiTokenId_At",
                table: "AuditEntries");

            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_SubjectUserId_At",
                table: "AuditEntries");

            migrationBuilder.DropColumn(
                name: "ApiTokenId",
                table: "AuditEntries");
        }
    }
}
